using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Iot.Provisioning.Api;
using static Iot.Security.Tests.Infrastructure.ProvisioningCloud;

namespace Iot.Security.Tests.Provisioning;

/// <summary>
/// <c>GET /v1/alerts</c> attacked: a caller of one tenant asking for another's alerts (by header or not), a branch-scoped
/// staff user reaching for another branch's or tenant-wide alerts, and anyone but an every-tenant operator reaching for
/// the platform's. Alert rows are written directly, as the evaluator would.
/// </summary>
public sealed class AlertApiProbes
{
    private const string OpsToken = "every-tenant-ops-probe-token-0123456789";

    [Fact]
    public async Task A_caller_sees_only_its_tenants_and_branches_alerts_and_platform_alerts_only_when_acting_for_every_tenant()
    {
        await using var cloud = await StartAsync(extra: new Dictionary<string, string?>
        {
            ["ProvisioningApi:Callers:ops:TokenSha256"] = ApiCallers.HashHex(OpsToken),
            ["ProvisioningApi:Callers:ops:Tenant"] = "*",
            // Rows are written by the test; the bridge's own evaluator must not resolve them during it.
            ["Alerts:EvaluateSeconds"] = "3600",
        });
        await cloud.Admin.EnsureBranchAsync(Victim, "south", "acme south", default);
        await cloud.Store.ExecuteAsync(
            $"""
            INSERT INTO alerts (tenant_id, branch_id, device_id, rule, subject, severity, summary, first_seen_at, last_seen_at) VALUES
                ('{Victim}', '{VictimBranch}', 'vd-north', 'device-offline', 'vd-north', 'critical', 'victim north', now(), now()),
                ('{Victim}', 'south', 'vd-south', 'device-offline', 'vd-south', 'critical', 'victim south', now(), now()),
                ('{Victim}', NULL, NULL, 'dead-jobs', 'transcribe', 'warning', 'victim tenant-wide', now(), now()),
                ('{Attacker}', '{AttackerBranch}', 'ad-1', 'device-offline', 'ad-1', 'critical', 'attacker own', now(), now()),
                (NULL, NULL, NULL, 'certificate-expiry', 'broker-tls', 'critical', 'platform certificate', now(), now());
            """,
            null,
            default);
        using var http = new HttpClient { BaseAddress = cloud.ApiUrl, Timeout = TimeSpan.FromSeconds(30) };

        Assert.Equal(["attacker own"], await SummariesAsync(http, AttackerOpsToken, []));
        Assert.Equal(HttpStatusCode.Forbidden, (await GetAsync(http, AttackerOpsToken, "v1/alerts?state=all", new() { [OperatorScope.TenantHeader] = Victim })).Status);
        Assert.Equal(["victim north", "victim south", "victim tenant-wide"], await SummariesAsync(http, VictimOpsToken, []));

        // Staff of the victim's north branch: neither south's nor the tenant-wide alert (those need all branches).
        Assert.Equal(["victim north"], await SummariesAsync(http, DashboardToken, Staff(Victim, VictimBranch)));
        Assert.Equal(["victim north", "victim south", "victim tenant-wide"], await SummariesAsync(http, DashboardToken, Staff(Victim, OperatorScope.AllBranches)));
        Assert.Equal(["attacker own"], await SummariesAsync(http, DashboardToken, Staff(Attacker, OperatorScope.AllBranches)));

        Assert.Contains("platform certificate", await SummariesAsync(http, OpsToken, []));
        Assert.DoesNotContain("platform certificate", await SummariesAsync(http, OpsToken, new() { [OperatorScope.TenantHeader] = Victim }));

        Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsync(http, null, "v1/alerts", [])).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await GetAsync(http, VictimOpsToken, "v1/alerts?state=closed'--", [])).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await GetAsync(http, VictimOpsToken, "v1/alerts?limit=100000", [])).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await GetAsync(http, VictimOpsToken, "v1/alerts?limit=abc", [])).Status);
    }

    private static Dictionary<string, string> Staff(string tenant, string branches) => new()
    {
        [OperatorScope.TenantHeader] = tenant,
        [OperatorScope.BranchesHeader] = branches,
        [OperatorScope.ActorHeader] = "staff@" + tenant + ".test",
    };

    private static async Task<List<string>> SummariesAsync(HttpClient http, string token, Dictionary<string, string> headers)
    {
        var (status, body) = await GetAsync(http, token, "v1/alerts?state=all", headers);
        Assert.True(status == HttpStatusCode.OK, $"{status}: {body}");
        return JsonDocument.Parse(body).RootElement.GetProperty("alerts").EnumerateArray()
            .Select(a => a.GetProperty("summary").GetString()!).Order(StringComparer.Ordinal).ToList();
    }

    private static async Task<(HttpStatusCode Status, string Body)> GetAsync(HttpClient http, string? token, string path, Dictionary<string, string> headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
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
}
