using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Dapper;
using Iot.Dashboard.Alerts;
using Iot.Dashboard.Tests.Infrastructure;
using Iot.Provisioning.Alerts;
using Npgsql;

namespace Iot.Dashboard.Tests.Alerts;

/// <summary>
/// The tenant-wide alert settings: thresholds over the catalog's defaults, webhook and e-mail channels (the secret is
/// shown once and never readable again), the delivery log, their audit rows, and who may touch them.
/// </summary>
public sealed class AlertSettingsApiTests(DashboardFixture fx) : IClassFixture<DashboardFixture>, IAsyncLifetime
{
    public Task InitializeAsync() => SeedAlerts.ClearAsync(fx.ConnectionString);

    public Task DisposeAsync() => SeedAlerts.ClearAsync(fx.ConnectionString);

    [Fact]
    public async Task Thresholds_list_every_tenant_rule_with_its_default_and_an_override_round_trips_audited()
    {
        using var admin = await fx.ClientAsAsync(SeedData.AcmeAdmin);
        var rules = (await admin.GetFromJsonAsync<List<AlertRuleSettingView>>("/api/alerts/rules"))!;
        Assert.Equal(AlertRuleCatalog.All.Where(r => r.Scope != AlertScope.Platform).Select(r => r.Id), rules.Select(r => r.Rule));
        var offline = rules.Single(r => r.Rule == AlertRuleCatalog.DeviceOffline);
        Assert.Equal((60d, (double?)null, 60d, "minutes", true), (offline.DefaultThreshold, offline.Threshold, offline.EffectiveThreshold, offline.Unit, offline.Enabled));

        var saved = await admin.PutAsJsonAsync("/api/alerts/rules", new { rules = new object[]
        {
            new { rule = "device-offline", threshold = 15.5, enabled = true },
            new { rule = "backlog-mb", threshold = (double?)null, enabled = false },
        } });
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        var after = (await admin.GetFromJsonAsync<List<AlertRuleSettingView>>("/api/alerts/rules"))!;
        Assert.Equal((15.5, 15.5, true, SeedData.AcmeAdmin), after.Single(r => r.Rule == "device-offline") is var o ? (o.Threshold!.Value, o.EffectiveThreshold, o.Enabled, o.UpdatedBy) : default);
        Assert.Equal((null, 200d, false), after.Single(r => r.Rule == "backlog-mb") is var b ? (b.Threshold, b.EffectiveThreshold, b.Enabled) : default);

        await using var c = new NpgsqlConnection(fx.ConnectionString);
        Assert.Equal(2, await c.ExecuteScalarAsync<int>("SELECT count(*) FROM alert_rule_settings WHERE tenant_id = 'acme'"));
        var audit = await c.QuerySingleAsync<string>("SELECT details ->> 'device-offline' FROM audit_log WHERE action = 'alert-rules-changed' AND actor = @a", new { a = SeedData.AcmeAdmin });
        Assert.Equal("on at 60 minutes (default) -> on at 15.5 minutes", audit);

        // Back to the default: the override row goes, so a later change of the documented default reaches the tenant.
        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsJsonAsync("/api/alerts/rules", new { rules = new[] { new { rule = "device-offline", threshold = (double?)null, enabled = true } } })).StatusCode);
        Assert.Equal(["backlog-mb"], (await c.QueryAsync<string>("SELECT rule FROM alert_rule_settings WHERE tenant_id = 'acme'")).ToList());
        Assert.Equal(0, await c.ExecuteScalarAsync<int>("SELECT count(*) FROM alert_rule_settings WHERE tenant_id = 'globex'"));
    }

    [Theory]
    [InlineData("""{"rules":[{"rule":"device-offline","threshold":-1}]}""", "rules[0].threshold", "must be 0..10080 minutes")]
    [InlineData("""{"rules":[{"rule":"spool-free-low","threshold":101}]}""", "rules[0].threshold", "must be 0..100 % free")]
    [InlineData("""{"rules":[{"rule":"claim-expiry","threshold":3650}]}""", "rules[0].threshold", "must be 0..365 days")]
    [InlineData("""{"rules":[{"rule":"dead-jobs","threshold":1},{"rule":"certificate-expiry","threshold":5}]}""", "rules[1].rule", "not a rule a tenant can set")]
    [InlineData("""{"rules":[{"rule":"dead-jobs"},{"rule":"dead-jobs"}]}""", "rules[1].rule", "listed twice")]
    [InlineData("""{"rules":[]}""", "rules", "at least one rule")]
    public async Task A_bad_threshold_is_a_400_naming_the_field_and_nothing_is_stored(string body, string field, string message)
    {
        using var admin = await fx.ClientAsAsync(SeedData.AcmeAdmin);
        var response = await admin.PutAsync("/api/alerts/rules", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Contains($"\"{field}\"", text, StringComparison.Ordinal);
        Assert.Contains(message, text, StringComparison.Ordinal);
        await using var c = new NpgsqlConnection(fx.ConnectionString);
        Assert.Equal(0, await c.ExecuteScalarAsync<int>("SELECT count(*) FROM alert_rule_settings"));
    }

    [Fact]
    public async Task A_new_webhook_returns_its_secret_once_and_no_later_read_has_it()
    {
        using var admin = await fx.ClientAsAsync(SeedData.AcmeAdmin);
        const string url = "https://hooks.slack.example/services/T000/B000/tokenXYZ9";
        var response = await admin.PostAsJsonAsync("/api/alerts/channels", new { kind = "webhook", name = "Ops Slack", url, template = "slack", minSeverity = "critical" });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = (await response.Content.ReadFromJsonAsync<AlertChannelCreated>())!;
        Assert.Equal(32, Convert.FromBase64String(created.Secret!.Replace('-', '+').Replace('_', '/') + "=").Length);
        Assert.Equal(("webhook", "slack", "critical", true), (created.Channel.Kind, created.Channel.Template, created.Channel.MinSeverity, created.Channel.Enabled));
        Assert.Equal($"/api/alerts/channels/{created.Channel.ChannelId}", response.Headers.Location?.OriginalString);

        await using var c = new NpgsqlConnection(fx.ConnectionString);
        Assert.Equal((created.Secret, url), await c.QuerySingleAsync<(string, string)>("SELECT secret, url FROM alert_channels WHERE channel_id = @id", new { id = created.Channel.ChannelId }));

        var list = await admin.GetStringAsync("/api/alerts/channels");
        Assert.DoesNotContain(created.Secret, list, StringComparison.Ordinal);
        Assert.DoesNotContain("tokenXYZ9", list, StringComparison.Ordinal);
        Assert.Contains("https://hooks.slack.example/…XYZ9", list, StringComparison.Ordinal);

        // A change never brings the secret back either, and leaves the URL alone unless a new one is given.
        var changed = await admin.PutAsJsonAsync($"/api/alerts/channels/{created.Channel.ChannelId}", new { name = "Ops Slack (night)", enabled = false });
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.DoesNotContain(created.Secret, await changed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(("Ops Slack (night)", url, false), await c.QuerySingleAsync<(string, string, bool)>("SELECT name, url, enabled FROM alert_channels WHERE channel_id = @id", new { id = created.Channel.ChannelId }));

        var audits = (await c.QueryAsync<string>("SELECT details::text FROM audit_log WHERE action LIKE 'alert-channel-%' ORDER BY audit_id")).ToList();
        Assert.Equal(2, audits.Count);
        Assert.All(audits, a => Assert.DoesNotContain(created.Secret, a, StringComparison.Ordinal));
        Assert.All(audits, a => Assert.DoesNotContain("tokenXYZ9", a, StringComparison.Ordinal));

        // The dashboard's own database role cannot read the column at all.
        var db = new Iot.Dashboard.Data.TenantDb(NpgsqlDataSource.Create(fx.ConnectionString), new Iot.Dashboard.Data.TenantScope(SeedData.Acme, Guid.NewGuid().ToString(), "probe", "admin", null));
        var denied = await Assert.ThrowsAsync<PostgresException>(() => db.QueryAsync<string>("SELECT secret FROM alert_channels", null, default));
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, denied.SqlState);
    }

    [Fact]
    public async Task An_email_channel_keeps_its_recipients_and_deleting_it_is_audited()
    {
        using var admin = await fx.ClientAsAsync(SeedData.AcmeAdmin);
        var response = await admin.PostAsJsonAsync("/api/alerts/channels", new { kind = "email", name = "On call", recipients = new[] { "ops@acme.test", " night@acme.test ", "OPS@acme.test" } });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = (await response.Content.ReadFromJsonAsync<AlertChannelCreated>())!;
        Assert.Null(created.Secret);
        Assert.Equal(["ops@acme.test", "night@acme.test"], created.Channel.Recipients);

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/alerts/channels/{created.Channel.ChannelId}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.DeleteAsync($"/api/alerts/channels/{created.Channel.ChannelId}")).StatusCode);
        await using var c = new NpgsqlConnection(fx.ConnectionString);
        Assert.Equal("On call", await c.ExecuteScalarAsync<string>("SELECT details ->> 'name' FROM audit_log WHERE action = 'alert-channel-deleted' AND target = @t", new { t = "channel " + created.Channel.ChannelId.ToString(CultureInfo.InvariantCulture) }));
    }

    [Theory]
    [InlineData("""{"kind":"webhook","name":"x","url":"http://hooks.example.com/a"}""", "url", "must use https")]
    [InlineData("""{"kind":"webhook","name":"x","url":"https://user:pass@hooks.example.com/a"}""", "url", "must not carry a user name or password")]
    [InlineData("""{"kind":"webhook","name":"x","url":"ftp://hooks.example.com/a"}""", "url", "absolute https://")]
    [InlineData("""{"kind":"webhook","name":"x","url":"/relative/path"}""", "url", "absolute https://")]
    [InlineData("""{"kind":"webhook","name":"x"}""", "url", "url is required")]
    [InlineData("""{"kind":"webhook","name":"x","url":"https://h.example.com/","template":"discord"}""", "template", "generic, slack, teams, bitrix")]
    [InlineData("""{"kind":"webhook","name":"","url":"https://h.example.com/"}""", "name", "1..100")]
    [InlineData("""{"kind":"sms","name":"x"}""", "kind", "'webhook' or 'email'")]
    [InlineData("""{"kind":"email","name":"x","recipients":["Boss <boss@acme.test>"]}""", "recipients[0]", "not a plain e-mail address")]
    [InlineData("""{"kind":"email","name":"x","recipients":["ok@acme.test","a@b.test\r\nBcc: evil@x.test"]}""", "recipients[1]", "not a plain e-mail address")]
    [InlineData("""{"kind":"email","name":"x","recipients":["not-an-address"]}""", "recipients[0]", "not a plain e-mail address")]
    [InlineData("""{"kind":"email","name":"x","recipients":[]}""", "recipients", "1..20")]
    [InlineData("""{"kind":"email","name":"x","recipients":["a@b.test"],"minSeverity":"info"}""", "minSeverity", "'warning' or 'critical'")]
    public async Task A_bad_channel_is_a_400_naming_the_field_and_nothing_is_stored(string body, string field, string message)
    {
        using var admin = await fx.ClientAsAsync(SeedData.AcmeAdmin);
        var response = await admin.PostAsync("/api/alerts/channels", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Contains($"\"{field}\"", text, StringComparison.Ordinal);
        Assert.Contains(message, text, StringComparison.Ordinal);
        await using var c = new NpgsqlConnection(fx.ConnectionString);
        Assert.Equal(0, await c.ExecuteScalarAsync<int>("SELECT count(*) FROM alert_channels"));
    }

    [Fact]
    public async Task A_loopback_http_receiver_is_accepted_for_development()
    {
        using var admin = await fx.ClientAsAsync(SeedData.AcmeAdmin);
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("/api/alerts/channels", new { kind = "webhook", name = "local", url = "http://127.0.0.1:8089/hook" })).StatusCode);
    }

    [Fact]
    public async Task The_delivery_log_names_the_alert_and_the_channel_and_shows_only_the_own_tenant()
    {
        using var admin = await fx.ClientAsAsync(SeedData.AcmeAdmin);
        var created = (await (await admin.PostAsJsonAsync("/api/alerts/channels", new { kind = "webhook", name = "Ops hook", url = "https://hooks.example.com/x" })).Content.ReadFromJsonAsync<AlertChannelCreated>())!;
        var alerts = await SeedAlerts.WriteAsync(fx.ConnectionString);
        await using var c = new NpgsqlConnection(fx.ConnectionString);
        await c.ExecuteAsync(
            """
            INSERT INTO alert_deliveries (alert_id, tenant_id, channel_id, event, status, attempts, last_attempt_at, response_status, last_error)
            VALUES (@north, 'acme', @channel, 'opened', 'dead', 8, now(), 500, 'receiver said <b>no</b>'),
                   (@north, 'acme', NULL, 'opened', 'delivered', 1, now(), NULL, NULL),
                   (@globex, 'globex', NULL, 'opened', 'delivered', 1, now(), NULL, NULL)
            """,
            new { north = alerts.AcmeNorth, channel = created.Channel.ChannelId, globex = alerts.Globex });

        var log = (await admin.GetFromJsonAsync<AlertDeliveryPage>("/api/alerts/deliveries"))!;
        Assert.Equal(2, log.Items.Count);
        var dead = log.Items.Single(d => d.Status == "dead");
        Assert.Equal(("Ops hook", "Till 1 offline for 90 minutes", 8, 500, "receiver said <b>no</b>"), (dead.ChannelName, dead.AlertSummary, dead.Attempts, dead.ResponseStatus!.Value, dead.LastError));
        Assert.Equal(AlertChannels.MqttChannelName, log.Items.Single(d => d.Status == "delivered").ChannelName);
        Assert.Single((await admin.GetFromJsonAsync<AlertDeliveryPage>("/api/alerts/deliveries?status=dead"))!.Items);

        using var globex = await fx.ClientAsAsync(SeedData.GlobexAdmin);
        var theirs = (await globex.GetFromJsonAsync<AlertDeliveryPage>("/api/alerts/deliveries"))!;
        Assert.Equal([alerts.Globex], theirs.Items.Select(d => d.AlertId));
        Assert.Equal(HttpStatusCode.NotFound, (await globex.PutAsJsonAsync($"/api/alerts/channels/{created.Channel.ChannelId}", new { url = "https://evil.example.com/steal" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await globex.DeleteAsync($"/api/alerts/channels/{created.Channel.ChannelId}")).StatusCode);
        Assert.Equal("https://hooks.example.com/x", await c.ExecuteScalarAsync<string>("SELECT url FROM alert_channels WHERE channel_id = @id", new { id = created.Channel.ChannelId }));
    }

    [Theory]
    [InlineData(SeedData.AcmeAnalyst)]
    [InlineData(SeedData.AcmeTechnician)]
    [InlineData(SeedData.AcmeNorthSupervisor)]
    [InlineData(BranchAdmin)]
    public async Task Only_an_admin_of_all_branches_reads_or_changes_thresholds_channels_and_the_log(string email)
    {
        await EnsureBranchAdminAsync();
        using var admin = await fx.ClientAsAsync(SeedData.AcmeAdmin);
        var channel = (await (await admin.PostAsJsonAsync("/api/alerts/channels", new { kind = "email", name = "keep", recipients = new[] { "ops@acme.test" } })).Content.ReadFromJsonAsync<AlertChannelCreated>())!.Channel;

        using var client = await fx.ClientAsAsync(email);
        var attempts = new (string Method, string Path, object? Body)[]
        {
            ("GET", "/api/alerts/rules", null),
            ("PUT", "/api/alerts/rules", new { rules = new[] { new { rule = "device-offline", threshold = 1, enabled = false } } }),
            ("GET", "/api/alerts/channels", null),
            ("POST", "/api/alerts/channels", new { kind = "webhook", name = "x", url = "https://attacker.example.com/" }),
            ("PUT", $"/api/alerts/channels/{channel.ChannelId}", new { recipients = new[] { "attacker@evil.test" } }),
            ("DELETE", $"/api/alerts/channels/{channel.ChannelId}", null),
            ("GET", "/api/alerts/deliveries", null),
        };
        foreach (var (method, path, body) in attempts)
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = body is null ? null : JsonContent.Create(body) };
            Assert.Equal(HttpStatusCode.Forbidden, (await client.SendAsync(request)).StatusCode);
        }

        await using var c = new NpgsqlConnection(fx.ConnectionString);
        Assert.Equal(0, await c.ExecuteScalarAsync<int>("SELECT count(*) FROM alert_rule_settings"));
        Assert.Equal(["ops@acme.test"], (await c.ExecuteScalarAsync<string[]>("SELECT recipients FROM alert_channels WHERE channel_id = @id", new { id = channel.ChannelId }))!);
        Assert.Equal(1, await c.ExecuteScalarAsync<int>("SELECT count(*) FROM alert_channels"));
    }

    private const string BranchAdmin = "north-admin@acme.test";

    /// <summary>An admin limited to Acme's north branch (SeedData has no such account).</summary>
    private async Task EnsureBranchAdminAsync()
    {
        await using var c = new NpgsqlConnection(fx.ConnectionString);
        await c.ExecuteAsync(
            """
            INSERT INTO dashboard_users (user_id, tenant_id, email, display_name, role, branches, password_hash)
            SELECT gen_random_uuid(), 'acme', @email, @email, 'admin', ARRAY['acme-north'], password_hash FROM dashboard_users WHERE email = @admin
            ON CONFLICT DO NOTHING
            """,
            new { email = BranchAdmin, admin = SeedData.AcmeAdmin });
    }
}
