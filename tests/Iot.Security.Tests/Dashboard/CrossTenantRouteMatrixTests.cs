using System.Net;
using System.Net.Http.Json;
using System.Text;
using Dapper;
using Iot.Dashboard.Auth;
using Iot.Security.Tests.Infrastructure;
using Npgsql;
using Xunit.Abstractions;
using Xunit.Sdk;
using static Iot.Security.Tests.Infrastructure.DashboardTenants;

namespace Iot.Security.Tests.Dashboard;

/// <summary>
/// Every API route of the running dashboard (read from its endpoint table, not listed here) called over HTTP with
/// Alpha's ids by: Bravo's admin; Alpha's north-only supervisor and north-only admin with Alpha's south ids; and each
/// Alpha role the route's policy does not admit. Each call must be refused (403/404/400 with nothing done) and the body
/// must carry nothing of what the caller may not see. A route whose parameter has no id mapping, or whose body has no
/// probe rule, fails the test: a new route cannot slip through unprobed.
/// </summary>
public sealed class CrossTenantRouteMatrixTests(DashboardWithOperatorApiHost host, ITestOutputHelper output) : IClassFixture<DashboardWithOperatorApiHost>
{
    /// <summary>Routes that are anonymous on purpose; any other anonymous API route fails the matrix.</summary>
    private static readonly HashSet<string> AnonymousByDesign = new(StringComparer.Ordinal)
    {
        "POST /api/auth/login", "POST /api/auth/refresh", "POST /api/auth/logout",
    };

    /// <summary>
    /// Writes that name no id and act on the caller's own tenant only: another tenant's admin may succeed (on its own
    /// tenant), provided nothing of Alpha's changed. Branch-scoped callers are still refused.
    /// </summary>
    private static readonly HashSet<string> OwnTenantWrites = new(StringComparer.Ordinal)
    {
        "PUT /api/settings/", "PUT /api/settings/analysis-profile/", "POST /api/settings/reanalysis/",
        "PUT /api/alerts/rules", "POST /api/alerts/channels",
    };

    /// <summary>
    /// Reads that take a body but name no id and use only the caller's own tenant (the analysis profile's "try it" box):
    /// any caller the policy admits may succeed, provided nothing of what it may not see comes back and nothing changed.
    /// </summary>
    /// <summary>
    /// Writes that name no id and act only within the caller's own tenant and branches (retry every dead job of a kind):
    /// any caller the policy admits may succeed, branch-scoped ones included, provided nothing of Alpha's that the caller
    /// may not reach changed (Alpha's north has no dead job, so a north admin's retry leaves Alpha as it was).
    /// </summary>
    private static readonly HashSet<string> OwnScopeWrites = new(StringComparer.Ordinal) { "POST /api/jobs/retry-kind" };

    private static readonly HashSet<string> OwnTenantReadsWithBody = new(StringComparer.Ordinal) { "POST /api/settings/analysis-profile/try" };

    /// <summary>
    /// Writes to the caller's own account only (its dashboard language): no route or body field names another account, so
    /// every signed-in caller may succeed, provided no other Alpha account changed (the body's userId is a decoy).
    /// </summary>
    private static readonly HashSet<string> OwnAccountWrites = new(StringComparer.Ordinal) { "PUT /api/me/language" };

    private enum Target
    {
        /// <summary>Any of Alpha's ids (the caller is of another tenant or lacks the role).</summary>
        Alpha,

        /// <summary>Alpha's south branch (the caller is Alpha's but north-only).</summary>
        AlphaSouth,
    }

    private sealed record Actor(string Name, string Email, Target Target, Func<DashboardTenants, IReadOnlyList<string>> Markers);

    [Fact]
    public async Task Every_api_route_refuses_foreign_tenant_foreign_branch_and_lower_role_callers()
    {
        var t = host.Tenants;
        var routes = DashboardRoute.All(host.Services);
        Assert.True(routes.Count >= 25, $"only {routes.Count} API routes found; the endpoint table was not read");

        // The missed-opportunity routes (issue 19) are in the table, so the probes below reach them.
        Assert.Superset(new HashSet<string> { "GET /api/opportunities/missed", "GET /api/opportunities/declined", "GET /api/opportunities/items" }, routes.Select(r => r.Key).ToHashSet());

        // Coverage first: every route must be probe-able, else the test fails before any call.
        var unmapped = new List<string>();
        foreach (var route in routes)
        {
            if (route.Anonymous)
            {
                if (!AnonymousByDesign.Contains(route.Key))
                {
                    unmapped.Add($"{route.Key}: anonymous but not in the sign-in allow-list");
                }

                continue;
            }

            unmapped.AddRange(route.Parameters.Where(p => IdFor(route.Resource, p, Target.Alpha, t) is null).Select(p => $"{route.Key}: no id mapping for {{{p}}}"));
            if (route.AcceptsBody && !Bodies.ContainsKey(route.Key))
            {
                unmapped.Add($"{route.Key}: accepts a body but has no probe body rule");
            }
        }

        Assert.True(unmapped.Count == 0, "routes without a probe rule:\n" + string.Join('\n', unmapped));

        var actors = new[]
        {
            new Actor("other tenant's admin", BravoAdmin, Target.Alpha, s => s.AlphaMarkers),
            new Actor("north-only supervisor", AlphaNorthSupervisor, Target.AlphaSouth, s => s.AlphaSouthMarkers),
            new Actor("north-only admin", AlphaNorthAdmin, Target.AlphaSouth, s => s.AlphaSouthMarkers),
        };
        var tried = 0;
        var refused = 0;
        var failures = new List<string>();
        void Record(string probe, bool ok, string outcome)
        {
            tried++;
            refused += ok ? 1 : 0;
            try
            {
                ProbeLedger.Record(probe, ok, outcome);
            }
            catch (XunitException)
            {
                failures.Add($"{probe} -> {outcome}");
            }
        }

        foreach (var route in routes.Where(r => !r.Anonymous))
        {
            foreach (var actor in actors)
            {
                using var client = await host.ClientAsAsync(actor.Email);
                var before = await AlphaStateAsync();
                var (status, body, sent) = await CallAsync(client, route, actor.Target);

                // What the request itself carried may be echoed back; anything else of Alpha's may not.
                var leaked = actor.Markers(t).Where(m => !sent.Contains(m, StringComparison.Ordinal) && body.Contains(m, StringComparison.Ordinal)).ToList();
                var changed = before != await AlphaStateAsync();
                var ok = (IsRefusal(route, status) || (actor.Email == BravoAdmin && OwnTenantWrites.Contains(route.Key)) || OwnTenantReadsWithBody.Contains(route.Key) || OwnScopeWrites.Contains(route.Key) || OwnAccountWrites.Contains(route.Key))
                    && leaked.Count == 0 && !changed;
                Record($"{actor.Name}: {route.Method} {sent.Split('\n')[0]}", ok, $"{(int)status} {Describe(leaked)}{(changed ? " changed Alpha's data" : "")}");
            }

            // Lower roles of Alpha itself: refused by the route's own policy, whatever the id.
            foreach (var (email, role) in new[] { (AlphaAnalyst, Roles.Analyst), (AlphaTechnician, Roles.Technician), (AlphaSupervisor, Roles.Supervisor) })
            {
                if (await route.AllowsRoleAsync(host.Services, role))
                {
                    continue;
                }

                using var client = await host.ClientAsAsync(email);
                var (status, _, sent) = await CallAsync(client, route, Target.Alpha);
                Record($"{role}: {route.Method} {sent.Split('\n')[0]}", status == HttpStatusCode.Forbidden, ((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        output.WriteLine($"probes: {tried} tried, {refused} refused");
        Assert.True(failures.Count == 0, $"{failures.Count} of {tried} probes got through:\n" + string.Join('\n', failures));
    }

    private static string Describe(List<string> leaked) => leaked.Count == 0 ? "" : "leaked " + string.Join(", ", leaked);

    /// <summary>
    /// A list, search or export route has no foreign id in its path, so "refused" means it answered without foreign data
    /// (checked by the markers); a route with an id or a body must answer 403, 404 or 400 (validation, nothing done).
    /// </summary>
    private static bool IsRefusal(DashboardRoute route, HttpStatusCode status) =>
        route.Parameters.Count == 0 && !route.AcceptsBody && route.Method == "GET"
            ? (int)status is 200 or 403 or 404
            : status is HttpStatusCode.Forbidden or HttpStatusCode.NotFound or HttpStatusCode.BadRequest;

    private static string? IdFor(string resource, string parameter, Target target, DashboardTenants t) => (resource, parameter, target) switch
    {
        ("dialogues", "id", Target.Alpha) => t.AlphaNorthDialogue.ToString(),
        ("dialogues", "id", Target.AlphaSouth) => t.AlphaSouthDialogue.ToString(),
        ("chunks", "chunkId", Target.Alpha) => t.AlphaNorthChunk.ToString(),
        ("chunks", "chunkId", Target.AlphaSouth) => t.AlphaSouthChunk.ToString(),
        ("devices", "deviceId", Target.Alpha) => AlphaNorthDevice,
        ("devices", "deviceId", Target.AlphaSouth) => AlphaSouthDevice,
        ("audio", "day", _) => Day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        ("audio", "transactionId", _) => AlphaSouthTransaction,
        ("provisioning", "serial", _) => AlphaPendingSerial,
        ("settings", "branchId", Target.Alpha) => AlphaNorth,
        ("settings", "branchId", Target.AlphaSouth) => AlphaSouth,
        ("jobs", "id", Target.Alpha) => t.AlphaNorthJob.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ("jobs", "id", Target.AlphaSouth) => t.AlphaSouthJob.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ("alerts", "id", Target.Alpha) => t.AlphaNorthAlert.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ("alerts", "id", Target.AlphaSouth) => t.AlphaSouthAlert.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ("alerts", "channelId", _) => t.AlphaChannel.ToString(System.Globalization.CultureInfo.InvariantCulture),

        // Another user's report subscription (Alpha's all-branch admin's, of the south branch).
        ("reports", "id", _) => t.AlphaSubscription.ToString(System.Globalization.CultureInfo.InvariantCulture),

        // A user of wider scope than the caller: the tenant's all-branch admin.
        ("users", "id", _) => t.UserIds[AlphaAdmin].ToString(),
        _ => null,
    };

    /// <summary>The body each route that takes one is probed with, per target: always naming Alpha's things.</summary>
    private static readonly Dictionary<string, Func<Target, HttpContent>> Bodies = new(StringComparer.Ordinal)
    {
        ["DELETE /api/dialogues/{id:guid}"] = _ => JsonContent.Create(new { reason = "probe" }),
        ["POST /api/dialogues/{id:guid}/review"] = _ => JsonContent.Create(new { upsell = false, reaction = "none", note = "probe" }),
        ["POST /api/devices/{deviceId}/config"] = _ => JsonContent.Create(new { recordingEnabled = false }),
        ["POST /api/devices/{deviceId}/commands"] = _ => JsonContent.Create(new { name = "restart" }),
        ["POST /api/provisioning/{serial}/approve"] = target => JsonContent.Create(new { branchId = target == Target.AlphaSouth ? AlphaSouth : (string?)null, deviceId = "probe-taken" }),
        ["POST /api/provisioning/{serial}/reject"] = _ => JsonContent.Create(new { reason = "probe" }),
        ["POST /api/provisioning/preregistrations"] = target => new StringContent(
            target == Target.AlphaSouth ? $"sn-probe-1,{Alpha},{AlphaSouth},probe-dev-1,Probe\n" : $"sn-probe-2,{Alpha},{AlphaNorth},probe-dev-2,Probe\n",
            Encoding.UTF8,
            "text/csv"),
        ["PUT /api/settings/branches/{branchId}"] = _ => JsonContent.Create(new { spokenLanguages = new[] { "en" } }),
        ["PUT /api/settings/"] = _ => JsonContent.Create(new { timeZone = "Pacific/Apia", transcriptionLanguage = "en", audioRetentionDays = 1, dialogueGapSeconds = 5 }),

        // A valid profile (the built-in one), so a caller that may save would really store a version.
        ["PUT /api/settings/analysis-profile/"] = _ => new StringContent(
            "{\"note\":\"probe\",\"profile\":" + Iot.Cloud.Pipeline.Analysis.BuiltInProfiles.Default.ToJson() + "}", Encoding.UTF8, "application/json"),
        ["POST /api/settings/analysis-profile/try"] = _ => JsonContent.Create(new { language = "en", text = "S: would you like a warranty?\nC: yes" }),
        ["POST /api/settings/reanalysis/"] = _ => JsonContent.Create(new { from = Day, to = Day.AddDays(1) }),
        ["POST /api/jobs/{id}/cancel"] = _ => JsonContent.Create(new { reason = "probe" }),
        ["POST /api/jobs/retry-kind"] = _ => JsonContent.Create(new { kind = "transcribe", max = 10 }),
        ["PUT /api/alerts/rules"] = _ => JsonContent.Create(new { rules = new[] { new { rule = "backlog-mb", threshold = (double?)1, enabled = false } } }),
        ["POST /api/alerts/channels"] = _ => JsonContent.Create(new { kind = "webhook", name = "probe hook", url = "https://probe.example.com/hook" }),

        // Redirecting Alpha's hook (and its signed payloads) to the attacker, or switching it off.
        ["PUT /api/alerts/channels/{channelId:long}"] = _ => JsonContent.Create(new { url = "https://attacker.example.com/steal", enabled = false }),

        // Subscribing to a report of a branch (or tenant) the caller may not see.
        ["POST /api/reports/subscriptions"] = _ => JsonContent.Create(new { cadence = "weekly", format = "pdf", branch = AlphaSouth }),

        // Granting more than the caller holds: the all-branch admin role, or Alpha's south branch.
        ["POST /api/users/"] = target => JsonContent.Create(new { email = $"probe-{Guid.NewGuid():n}@probe.test", role = Roles.Admin, branches = target == Target.AlphaSouth ? null : new[] { AlphaNorth }, password = "probe password long enough" }),
        ["PUT /api/users/{id:guid}"] = _ => JsonContent.Create(new { role = Roles.Analyst, branches = new[] { AlphaNorth } }),
        ["POST /api/users/{id:guid}/password"] = _ => JsonContent.Create(new { password = "attacker chosen password" }),
        ["PUT /api/me/language"] = _ => JsonContent.Create(new { language = "az-Latn", userId = "alpha's admin" }),
    };

    /// <summary>Status, body, and what was sent (path, then the request body).</summary>
    private async Task<(HttpStatusCode Status, string Body, string Sent)> CallAsync(HttpClient client, DashboardRoute route, Target target)
    {
        var t = host.Tenants;
        var path = route.Path(p => IdFor(route.Resource, p, target, t)!);
        if (route.Parameters.Count == 0 && route.Method == "GET")
        {
            // List and export routes: Alpha's branch and device as filters must not widen what the caller sees.
            path += $"?branch={AlphaSouth}&device={AlphaSouthDevice}";

            // Lists that default to the last days read Alpha's seeded day, or the probe would find nothing to leak.
            if (route.Resource == "opportunities")
            {
                path += $"&from={Day:yyyy-MM-dd}&to={Day:yyyy-MM-dd}";
            }
        }

        using var request = new HttpRequestMessage(new HttpMethod(route.Method), path);
        var sent = path;
        if (Bodies.TryGetValue(route.Key, out var body))
        {
            request.Content = body(target);
            sent += "\n" + await request.Content.ReadAsStringAsync();
        }

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cts.Token);
        return (response.StatusCode, await ReadAsync(response, cts.Token), sent);
    }

    /// <summary>The whole body, or for a server-sent event stream its first event (the stream never ends by itself).</summary>
    private static async Task<string> ReadAsync(HttpResponseMessage response, CancellationToken ct)
    {
        if (response.Content.Headers.ContentType?.MediaType != "text/event-stream")
        {
            return await response.Content.ReadAsStringAsync(ct);
        }

        await using var stream = await response.Content.ReadAsStreamAsync(ct);
        var text = new StringBuilder();
        var buffer = new byte[4096];
        while (!text.ToString().Contains("\n\n", StringComparison.Ordinal))
        {
            var n = await stream.ReadAsync(buffer, ct);
            if (n == 0)
            {
                break;
            }

            text.Append(Encoding.UTF8.GetString(buffer, 0, n));
        }

        return text.ToString();
    }

    /// <summary>Alpha's state a refused write would have changed, as one comparable text.</summary>
    private async Task<string> AlphaStateAsync()
    {
        await using var c = new NpgsqlConnection(host.ConnectionString);
        return await c.ExecuteScalarAsync<string>(
            """
            SELECT concat_ws('|',
                (SELECT string_agg(dialogue_id || ':' || (deleted_at IS NULL), ',' ORDER BY dialogue_id) FROM dialogues WHERE tenant_id = 'alpha-co'),
                (SELECT string_agg(serial || ':' || status, ',' ORDER BY serial) FROM provisioning_requests WHERE tenant_id = 'alpha-co'),
                (SELECT string_agg(email || ':' || role || ':' || coalesce(array_to_string(branches, ','), '*') || ':' || (disabled_at IS NULL) || ':' || md5(password_hash), ',' ORDER BY email) FROM dashboard_users WHERE tenant_id = 'alpha-co'),
                (SELECT row_to_json(s)::text FROM tenant_settings s WHERE tenant_id = 'alpha-co'),
                (SELECT string_agg(branch_id || ':' || coalesce(array_to_string(spoken_languages, ','), ''), ',' ORDER BY branch_id) FROM branch_settings WHERE tenant_id = 'alpha-co'),
                -- Languages of the Alpha accounts that are not probing (a prober may set its own).
                (SELECT string_agg(email || ':' || coalesce(language, ''), ',' ORDER BY email) FROM dashboard_users WHERE tenant_id = 'alpha-co' AND email NOT IN ('north-admin@alpha.test', 'north-supervisor@alpha.test')),
                (SELECT count(*) FROM device_configs WHERE device_id LIKE 'alpha-%'),
                (SELECT count(*) FROM device_commands WHERE device_id LIKE 'alpha-%'),
                (SELECT count(*) FROM preregistrations WHERE tenant_id = 'alpha-co'),
                (SELECT count(*) FROM devices WHERE tenant_id = 'alpha-co'),
                (SELECT count(*) FROM devices WHERE tenant_id = 'alpha-co' AND revoked_at IS NOT NULL),
                (SELECT count(*) FROM analysis_reviews WHERE tenant_id = 'alpha-co'),
                (SELECT count(*) FROM analysis_profile_versions WHERE tenant_id = 'alpha-co'),
                (SELECT count(*) FROM reanalysis_runs WHERE tenant_id = 'alpha-co'),
                (SELECT count(*) FROM jobs WHERE kind = 'reanalyze' AND payload ->> 'dialogueId' IN (SELECT dialogue_id::text FROM dialogues WHERE tenant_id = 'alpha-co')),
                (SELECT string_agg(alert_id || ':' || coalesce(acknowledged_by, ''), ',' ORDER BY alert_id) FROM alerts WHERE tenant_id = 'alpha-co'),
                (SELECT string_agg(subscription_id || ':' || user_id || ':' || coalesce(branch_id, ''), ',' ORDER BY subscription_id) FROM report_subscriptions WHERE tenant_id = 'alpha-co'),
                (SELECT string_agg(rule || ':' || enabled || ':' || coalesce(threshold::text, ''), ',' ORDER BY rule) FROM alert_rule_settings WHERE tenant_id = 'alpha-co'),
                (SELECT string_agg(channel_id || ':' || name || ':' || coalesce(url, '') || ':' || template || ':' || min_severity || ':' || enabled || ':' || coalesce(array_to_string(recipients, ','), ''), ',' ORDER BY channel_id) FROM alert_channels WHERE tenant_id = 'alpha-co'),
                (SELECT string_agg(j.job_id || ':' || j.status || ':' || j.attempts || ':' || coalesce(j.cancel_reason, ''), ',' ORDER BY j.job_id)
                 FROM jobs j JOIN job_scopes s ON s.job_id = j.job_id WHERE s.tenant_id = 'alpha-co'))
            """) ?? "";
    }
}
