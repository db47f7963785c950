using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Iot.Protocol.Provisioning;
using Iot.Provisioning.Api;
using Iot.Security.Tests.Infrastructure;
using Xunit.Abstractions;
using static Iot.Security.Tests.Infrastructure.ProvisioningCloud;

namespace Iot.Security.Tests.Provisioning;

/// <summary>
/// The bridge's operator API, attacked over HTTP: without a token, with a wrong one, with a token bound to another
/// tenant (naming the victim's device, serial, command or tenant), and as the dashboard acting for a branch-scoped user
/// reaching into another branch. Every attempt must be refused, a foreign id must be answered exactly like a missing
/// one, and nothing of the victim's may change.
/// </summary>
public sealed class OperatorApiProbes(ITestOutputHelper output)
{
    private const string VictimSouth = "south";

    [Fact]
    public async Task Every_route_refuses_missing_and_wrong_tokens_foreign_tenants_and_foreign_branches()
    {
        using var run = new ProvisioningProbeRun(output);
        await using var cloud = await StartAsync();
        await cloud.Admin.EnsureBranchAsync(Victim, VictimSouth, "acme south", default);
        await cloud.ProvisionAsync(Victim, "sn-v1", "vd-1");
        await cloud.ProvisionAsync(Victim, "sn-v2", "vd-2");
        await cloud.Store.ExecuteAsync("UPDATE devices SET branch_id = @VictimSouth WHERE device_id = 'vd-2'", new { VictimSouth }, default);
        await using (var waiting = await ProvisioningDevice.ClaimAsync(cloud.Port, "sn-vp", await cloud.ClaimAsync(Victim)))
        {
            Assert.Equal(ProvisionStatus.Pending, (await waiting.AskAsync()).Status);
        }

        using var http = new HttpClient { BaseAddress = cloud.ApiUrl, Timeout = TimeSpan.FromSeconds(30) };
        var command = (await SendAsync(http, VictimOpsToken, HttpMethod.Post, "v1/devices/vd-1/commands", Json(new CommandBody("blink")), [])).Body;
        var commandId = System.Text.Json.JsonDocument.Parse(command).RootElement.GetProperty("commandId").GetString()!;
        var before = await VictimStateAsync(cloud);

        // Every route, with the victim's ids: no token and a wrong token get 401 before anything else happens.
        var routes = Routes("vd-1", "sn-vp", commandId);
        foreach (var (method, path, body) in routes)
        {
            foreach (var (name, token) in new[] { ("no token", (string?)null), ("wrong token", "not-a-caller-token-0123456789"), ("token hash as token", ApiCallers.HashHex(VictimOpsToken)) })
            {
                var (status, text) = await SendAsync(http, token, method, path, body?.Invoke(), []);
                run.Record($"{name}: {method} {path}", status == HttpStatusCode.Unauthorized, $"{(int)status} {Short(text)}");
            }
        }

        // A caller bound to the attacker's tenant names the victim's things: a foreign id answers like a missing one.
        foreach (var (method, path, body) in routes.Where(r => r.Path.Contains("vd-1", StringComparison.Ordinal) || r.Path.Contains("sn-vp", StringComparison.Ordinal) || r.Path.Contains(commandId, StringComparison.Ordinal)))
        {
            var (status, text) = await SendAsync(http, AttackerOpsToken, method, path, body?.Invoke(), []);
            var missingPath = path.Replace("vd-1", "vd-nosuch", StringComparison.Ordinal).Replace("sn-vp", "sn-nosuch", StringComparison.Ordinal).Replace(commandId, Guid.Empty.ToString(), StringComparison.Ordinal);
            var (missingStatus, missingText) = await SendAsync(http, AttackerOpsToken, method, missingPath, body?.Invoke(), []);
            var same = status == missingStatus && Normalise(text, commandId) == Normalise(missingText, Guid.Empty.ToString());
            run.Record($"other tenant's operator: {method} {path}", status == HttpStatusCode.NotFound && same, $"{(int)status} {Short(text)} vs missing {(int)missingStatus} {Short(missingText)}");
        }

        // Stating the victim's tenant, or smuggling its lines into a CSV or a claim.
        var stated = new Dictionary<string, string> { [OperatorScope.TenantHeader] = Victim };
        foreach (var (method, path, body) in new (HttpMethod, string, Func<HttpContent>?)[]
                 {
                     (HttpMethod.Get, "v1/devices", null), (HttpMethod.Get, "v1/requests", null), (HttpMethod.Post, "v1/claims", () => Json(new ClaimBody(VictimBranch))),
                 })
        {
            var (status, text) = await SendAsync(http, AttackerOpsToken, method, path, body?.Invoke(), stated);
            run.Record($"other tenant's operator states tenant {Victim}: {method} {path}", status == HttpStatusCode.Forbidden, $"{(int)status} {Short(text)}");
        }

        var csv = await SendAsync(http, AttackerOpsToken, HttpMethod.Post, "v1/preregistrations", new StringContent($"sn-squat,{Victim},{VictimBranch},squat-1,\n", Encoding.UTF8, "text/csv"), []);
        run.Record("other tenant's operator preregisters a serial into the victim's tenant", !csv.Body.Contains("\"imported\":1", StringComparison.Ordinal), $"{(int)csv.Status} {Short(csv.Body)}");
        var list = await SendAsync(http, AttackerOpsToken, HttpMethod.Get, "v1/devices", null, []);
        run.Record("other tenant's operator lists the victim's devices", list.Status == HttpStatusCode.OK && !list.Body.Contains("vd-", StringComparison.Ordinal), Short(list.Body));

        // The dashboard acting for a north-only user: nothing of the south branch, and nothing put into it.
        var north = new Dictionary<string, string> { [OperatorScope.TenantHeader] = Victim, [OperatorScope.BranchesHeader] = VictimBranch, [OperatorScope.ActorHeader] = "north@acme.test" };
        var southOnly = new Dictionary<string, string>(north) { [OperatorScope.BranchesHeader] = VictimSouth, [OperatorScope.ActorHeader] = "south@acme.test" };
        foreach (var (probe, headers, method, path, body) in new (string, Dictionary<string, string>, HttpMethod, string, Func<HttpContent>?)[]
                 {
                     ("north-only user approves into the south branch", north, HttpMethod.Post, "v1/requests/sn-vp/approve", () => Json(new ApproveBody(VictimSouth, "vp-south"))),
                     ("south-only user approves a north request", southOnly, HttpMethod.Post, "v1/requests/sn-vp/approve", () => Json(new ApproveBody(VictimSouth, "vp-south"))),
                     ("north-only user revokes a south device", north, HttpMethod.Post, "v1/devices/vd-2/revoke", null),
                     ("north-only user pushes config to a south device", north, HttpMethod.Put, "v1/devices/vd-2/config", () => Json(new { version = 0, issuedAtUtc = DateTimeOffset.UnixEpoch, chunkSeconds = 5 })),
                     ("north-only user preregisters into the south branch", north, HttpMethod.Post, "v1/preregistrations", () => new StringContent($"sn-south,{Victim},{VictimSouth},,\n", Encoding.UTF8, "text/csv")),
                     ("north-only user creates a south claim", north, HttpMethod.Post, "v1/claims", () => Json(new ClaimBody(VictimSouth))),
                     ("dashboard caller without the staff scope", [], HttpMethod.Post, "v1/devices/vd-1/revoke", null),
                 })
        {
            var (status, text) = await SendAsync(http, DashboardToken, method, path, body?.Invoke(), headers);
            var refused = status is HttpStatusCode.NotFound or HttpStatusCode.BadRequest or HttpStatusCode.Conflict || (status == HttpStatusCode.OK && text.Contains("\"imported\":0", StringComparison.Ordinal));
            run.Record($"dashboard: {probe}", refused, $"{(int)status} {Short(text)}");
        }

        run.Record("a refused call changed the victim's registry", await VictimStateAsync(cloud) == before, "state changed");

        // The victim's own operator still acts: the refusals are scope rules, not a broken API.
        var own = await SendAsync(http, VictimOpsToken, HttpMethod.Post, "v1/requests/sn-vp/approve", Json(new ApproveBody(VictimBranch, "vp-1")), []);
        Assert.Equal(HttpStatusCode.OK, own.Status);
    }

    /// <summary>Every route of the API with the victim's ids (bodies are made fresh per call).</summary>
    private static List<(HttpMethod Method, string Path, Func<HttpContent>? Body)> Routes(string device, string serial, string commandId) =>
    [
        (HttpMethod.Get, "v1/whoami", null),
        (HttpMethod.Get, "v1/devices", null),
        (HttpMethod.Get, $"v1/devices/{device}", null),
        (HttpMethod.Post, $"v1/devices/{device}/revoke", null),
        (HttpMethod.Post, $"v1/devices/{device}/rotate", () => Json(new RotateBody(30))),
        (HttpMethod.Get, $"v1/devices/{device}/config", null),
        (HttpMethod.Put, $"v1/devices/{device}/config", () => Json(new { version = 0, issuedAtUtc = DateTimeOffset.UnixEpoch, chunkSeconds = 5 })),
        (HttpMethod.Post, $"v1/devices/{device}/commands", () => Json(new CommandBody("restart"))),
        (HttpMethod.Get, $"v1/commands/{commandId}", null),
        (HttpMethod.Get, "v1/requests", null),
        (HttpMethod.Post, $"v1/requests/{serial}/approve", () => Json(new ApproveBody(null, "stolen-1"))),
        (HttpMethod.Post, $"v1/requests/{serial}/reject", () => Json(new RejectBody("probe"))),
        (HttpMethod.Post, "v1/preregistrations", () => new StringContent($"sn-probe,{Victim},{VictimBranch},,\n", Encoding.UTF8, "text/csv")),
        (HttpMethod.Post, "v1/claims", () => Json(new ClaimBody())),
        (HttpMethod.Get, "v1/audit/reprovisioning", null),
    ];

    private static JsonContent Json<T>(T value) => JsonContent.Create(value, options: new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web));

    private static async Task<(HttpStatusCode Status, string Body)> SendAsync(HttpClient http, string? token, HttpMethod method, string path, HttpContent? body, Dictionary<string, string> headers)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        foreach (var (k, v) in headers)
        {
            request.Headers.Add(k, v);
        }

        using var response = await http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>The answer with the probed ids blanked, so a foreign id's answer can be compared with a missing id's.</summary>
    private static string Normalise(string body, string commandId) =>
        System.Text.RegularExpressions.Regex.Replace(body.Replace(commandId, "ID", StringComparison.Ordinal), "vd-1|vd-nosuch|sn-vp|sn-nosuch", "ID");

    private static string Short(string text) => text.Length <= 160 ? text : text[..160];

    /// <summary>What a refused call could have changed, as one comparable text.</summary>
    private static Task<string?> VictimStateAsync(ProvisioningCloud cloud) =>
        cloud.ScalarAsync<string>(
            """
            SELECT concat_ws('|',
                (SELECT string_agg(device_id || ':' || coalesce(branch_id, '') || ':' || (revoked_at IS NULL) || ':' || coalesce(secret_hash, '') || ':' || coalesce(pending_secret_hash, ''), ',' ORDER BY device_id) FROM devices),
                (SELECT string_agg(serial || ':' || status, ',' ORDER BY serial, received_at) FROM provisioning_requests),
                (SELECT count(*) FROM device_commands),
                (SELECT count(*) FROM device_configs),
                (SELECT count(*) FROM preregistrations),
                (SELECT count(*) FROM claim_tokens))
            """);
}
