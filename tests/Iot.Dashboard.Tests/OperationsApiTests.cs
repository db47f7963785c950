using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using Dapper;
using Iot.Dashboard.Overview;
using Iot.Dashboard.Provisioning;
using Iot.Dashboard.Settings;
using Iot.Dashboard.Tests.Infrastructure;
using Npgsql;

namespace Iot.Dashboard.Tests;

public sealed class OperationsApiTests(DashboardFixture fx) : IClassFixture<DashboardFixture>
{
    [Fact]
    public async Task The_overview_counts_hours_in_the_tenants_time_zone()
    {
        using var client = await fx.ClientAsAsync(SeedData.AcmeAnalyst);
        var kpis = await client.GetFromJsonAsync<OverviewKpis>("/api/overview?from=2026-11-20T00:00:00Z&to=2026-11-21T00:00:00Z");
        Assert.Equal("America/New_York", kpis!.TimeZone);
        Assert.Equal(2, kpis.Dialogues);
        Assert.Equal(0.5, kpis.UpsellRate);
        Assert.Equal(61, kpis.AverageQuality);

        // 13:05 and 15:00 UTC are 08:05 and 10:00 in New York (UTC-5 in November).
        Assert.Equal(1, kpis.HourlyActivity[8].Dialogues);
        Assert.Equal(1, kpis.HourlyActivity[10].Dialogues);
        Assert.Equal(0, kpis.HourlyActivity[13].Dialogues);
        Assert.Equal(["accessories", "warranty"], kpis.TopCategories.Select(c => c.Category).Order());
        Assert.Equal(1, kpis.QualityDistribution[8].Dialogues);
        Assert.Equal(1, kpis.QualityDistribution[3].Dialogues);
        await using var c = new NpgsqlConnection(fx.ConnectionString);
        Assert.Equal(await c.ExecuteScalarAsync<int>("SELECT count(*) FROM devices WHERE tenant_id = 'acme'"), kpis.Devices);
        Assert.Equal(1, kpis.DevicesOnline);
    }

    [Fact]
    public async Task Without_a_provisioning_api_an_action_answers_503_naming_the_key_and_stores_nothing()
    {
        // The same database, but a dashboard that was given no operator API: it still shows, it cannot act.
        await using var bare = new DashboardFactory(DashboardFactory.Defaults(fx.ConnectionString, fx.StorageRoot));
        using var tech = await bare.ClientAsAsync(SeedData.AcmeTechnician);
        await using var c = new NpgsqlConnection(fx.ConnectionString);
        var commandsBefore = await c.ExecuteScalarAsync<int>("SELECT count(*) FROM device_commands");
        var refused = await tech.PostAsJsonAsync("/api/devices/acme-d1/commands", new Iot.Dashboard.Fleet.DeviceCommandRequest("blink"));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Contains("Dashboard:ProvisioningApi:Url", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await tech.PostAsJsonAsync("/api/devices/acme-d1/config", new Iot.Dashboard.Fleet.DeviceConfigChange(RecordingEnabled: true))).StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await tech.PostAsync("/api/devices/acme-d1/revoke", null)).StatusCode);
        Assert.Equal(commandsBefore, await c.ExecuteScalarAsync<int>("SELECT count(*) FROM device_commands"));
        Assert.Null(await c.ExecuteScalarAsync<DateTime?>("SELECT revoked_at FROM devices WHERE device_id = 'acme-d1'"));
        Assert.Equal(HttpStatusCode.OK, (await tech.GetAsync("/api/devices/acme-d1")).StatusCode);
    }

    [Fact]
    public async Task The_overview_leaves_out_a_deleted_dialogue_and_its_analysis()
    {
        using var admin = await fx.ClientAsAsync(SeedData.AcmeAdmin);
        const string day = "/api/overview?from=2026-11-20T00:00:00Z&to=2026-11-21T00:00:00Z";
        using (var delete = new HttpRequestMessage(HttpMethod.Delete, $"/api/dialogues/{fx.Seed.AcmeSouthDialogue}") { Content = JsonContent.Create(new { reason = "test" }) })
        {
            Assert.Equal(HttpStatusCode.NoContent, (await admin.SendAsync(delete)).StatusCode);
        }

        try
        {
            var kpis = await admin.GetFromJsonAsync<OverviewKpis>(day);
            Assert.Equal((1, 1, 87.0, 1.0), (kpis!.Dialogues, kpis.Analyzed, kpis.AverageQuality, kpis.UpsellRate));
        }
        finally
        {
            await admin.PostAsync($"/api/dialogues/{fx.Seed.AcmeSouthDialogue}/restore", null);
        }

        Assert.Equal(2, (await admin.GetFromJsonAsync<OverviewKpis>(day))!.Analyzed);
    }

    [Fact]
    public async Task Settings_changes_are_validated_saved_and_audited()
    {
        using var admin = await fx.ClientAsAsync(SeedData.AcmeAdmin);
        var bad = await admin.PutAsJsonAsync("/api/settings", new TenantSettingsView { TimeZone = "Mars/Olympus", AudioRetentionDays = 0 });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var body = await bad.Content.ReadAsStringAsync();
        Assert.Contains("timeZone", body, StringComparison.Ordinal);
        Assert.Contains("audioRetentionDays", body, StringComparison.Ordinal);

        using var analyst = await fx.ClientAsAsync(SeedData.AcmeAnalyst);
        Assert.Equal(HttpStatusCode.Forbidden, (await analyst.PutAsJsonAsync("/api/settings", new TenantSettingsView { TimeZone = "Europe/Berlin" })).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await admin.PutAsJsonAsync("/api/settings", new TenantSettingsView { TimeZone = "America/New_York", AudioRetentionDays = 30 })).StatusCode);
        var saved = await analyst.GetFromJsonAsync<TenantSettingsView>("/api/settings");
        Assert.Equal(30, saved!.AudioRetentionDays);

        await using var c = new NpgsqlConnection(fx.ConnectionString);
        Assert.Equal(1, await c.ExecuteScalarAsync<int>("SELECT count(*) FROM audit_log WHERE action = 'settings-changed' AND tenant_id = 'acme'"));
        Assert.Null(await c.ExecuteScalarAsync<int?>("SELECT audio_retention_days FROM tenant_settings WHERE tenant_id = 'globex'"));
    }

    [Fact]
    public async Task Approving_a_pending_device_goes_through_the_bridges_operator_api_and_is_audited_once_under_the_staff_user()
    {
        using var tech = await fx.ClientAsAsync(SeedData.AcmeTechnician);
        var foreignBranch = await tech.PostAsJsonAsync($"/api/provisioning/{SeedData.AcmePendingSerial}/approve", new ApproveRequest("globex-main", null));
        Assert.Equal(HttpStatusCode.NotFound, foreignBranch.StatusCode);

        var response = await tech.PostAsJsonAsync($"/api/provisioning/{SeedData.AcmePendingSerial}/approve", new ApproveRequest("acme-south", "acme-d7"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("acme-d7", (await response.Content.ReadFromJsonAsync<ApproveResponse>())!.DeviceId);

        await using var c = new NpgsqlConnection(fx.ConnectionString);
        var device = await c.QuerySingleAsync<(string Tenant, string Branch, string Serial)>("SELECT tenant_id, branch_id, serial FROM devices WHERE device_id = 'acme-d7'");
        Assert.Equal(("acme", "acme-south", SeedData.AcmePendingSerial), device);
        Assert.Equal(SeedData.AcmeTechnician, await c.ExecuteScalarAsync<string>("SELECT decided_by FROM provisioning_requests WHERE serial = @s", new { s = SeedData.AcmePendingSerial }));
        var audit = await c.QuerySingleAsync<(string Tenant, string Actor, string Via)>(
            "SELECT tenant_id, actor, details->>'via' FROM audit_log WHERE action = 'device-approved' AND target = @s", new { s = SeedData.AcmePendingSerial });
        Assert.Equal(("acme", SeedData.AcmeTechnician, "dashboard"), audit);

        // Nothing is pending any more: a second approval is a 404, not a second device.
        Assert.Equal(HttpStatusCode.NotFound, (await tech.PostAsJsonAsync($"/api/provisioning/{SeedData.AcmePendingSerial}/approve", new ApproveRequest(null, null))).StatusCode);
    }

    [Fact]
    public async Task Reports_stream_csv_and_xlsx_with_the_filtered_rows_and_audit_the_export()
    {
        using var client = await fx.ClientAsAsync(SeedData.AcmeAnalyst);
        var csv = await client.GetStringAsync("/api/reports/dialogues.csv?operator=op-anna");
        var lines = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.StartsWith("dialogue_id,started_at_utc,branch,device", lines[0], StringComparison.Ordinal);
        Assert.Contains(fx.Seed.AcmeDialogue.ToString(), lines[1], StringComparison.Ordinal);
        Assert.Contains("warranty;accessories", lines[1], StringComparison.Ordinal);

        var xlsx = await client.GetAsync("/api/reports/dialogues.xlsx?branch=acme-north");
        Assert.Equal(HttpStatusCode.OK, xlsx.StatusCode);
        await using var zip = new ZipArchive(await xlsx.Content.ReadAsStreamAsync(), ZipArchiveMode.Read);
        var sheet = zip.Entries.Single(e => e.FullName.StartsWith("xl/worksheets/", StringComparison.Ordinal));
        using var reader = new StreamReader(sheet.Open());
        var xml = await reader.ReadToEndAsync();
        Assert.Contains(fx.Seed.AcmeDialogue.ToString(), xml, StringComparison.Ordinal);
        Assert.DoesNotContain(fx.Seed.AcmeSouthDialogue.ToString(), xml, StringComparison.Ordinal);
        Assert.Equal(SeedData.AcmeBulkDialogues + 2, System.Text.RegularExpressions.Regex.Matches(xml, "<row").Count);

        await using var c = new NpgsqlConnection(fx.ConnectionString);
        var exports = (await c.QueryAsync<(string Format, string? Operator, string? Branch)>(
            "SELECT details->>'format', details->>'operator', details->>'branch' FROM audit_log WHERE action = 'export' AND actor = @a ORDER BY 1", new { a = SeedData.AcmeAnalyst })).ToList();
        Assert.Equal([("csv", "op-anna", null), ("xlsx", null, "acme-north")], exports);
    }

    [Fact]
    public async Task Csv_cells_that_look_like_formulas_are_neutralised()
    {
        await using (var c = new NpgsqlConnection(fx.ConnectionString))
        {
            await c.ExecuteAsync("UPDATE dialogues SET operator_id = '=HYPERLINK(\"x\")' WHERE dialogue_id = @id", new { id = fx.Seed.AcmeSouthDialogue });
        }

        using var client = await fx.ClientAsAsync(SeedData.AcmeAdmin);
        var csv = await client.GetStringAsync("/api/reports/dialogues.csv?device=acme-d2");
        Assert.Contains("\"'=HYPERLINK(\"\"x\"\")\"", csv, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_openapi_document_and_scalar_ui_are_served_to_signed_in_staff_only()
    {
        using var anonymous = fx.Factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        Assert.NotEqual(HttpStatusCode.OK, (await anonymous.GetAsync("/openapi/v1.json")).StatusCode);
        using var client = await fx.ClientAsAsync(SeedData.AcmeAnalyst);
        var doc = await client.GetStringAsync("/openapi/v1.json");
        Assert.Contains("/api/dialogues", doc, StringComparison.Ordinal);
        Assert.Contains("\"bearer\"", doc, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/scalar")).StatusCode);
    }
}
