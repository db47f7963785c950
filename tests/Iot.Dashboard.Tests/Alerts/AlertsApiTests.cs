using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Dapper;
using Iot.Dashboard.Alerts;
using Iot.Dashboard.Tests.Infrastructure;
using Npgsql;

namespace Iot.Dashboard.Tests.Alerts;

/// <summary>
/// <c>/api/alerts</c>: what each role and scope sees of the tenant's alerts, acknowledging with its audit row, and the
/// live stream. Alerts are written straight into PostgreSQL as the fleet service's evaluator would write them.
/// </summary>
public sealed class AlertsApiTests(DashboardFixture fx) : IClassFixture<DashboardFixture>, IAsyncLifetime
{
    private SeedAlerts _alerts = null!;

    public async Task InitializeAsync() => _alerts = await SeedAlerts.WriteAsync(fx.ConnectionString);

    public Task DisposeAsync() => SeedAlerts.ClearAsync(fx.ConnectionString);

    [Fact]
    public async Task An_admin_lists_open_alerts_newest_first_and_filters_narrow_them()
    {
        using var admin = await fx.ClientAsAsync(SeedData.AcmeAdmin);
        var open = (await admin.GetFromJsonAsync<AlertPage>("/api/alerts"))!;
        Assert.Equal([_alerts.AcmeTenantWide, _alerts.AcmeSouth, _alerts.AcmeNorth], open.Items.Select(a => a.AlertId));
        var north = open.Items.Single(a => a.AlertId == _alerts.AcmeNorth);
        Assert.Equal(("device-offline", "critical", "unacknowledged", "acme-north", "acme-d1", "Till 1", 3), (north.Rule, north.Severity, north.State, north.BranchId, north.DeviceId, north.DeviceName, north.Occurrences));
        Assert.Equal("minutes", north.Unit);
        Assert.Equal(60, north.Details.GetProperty("threshold").GetInt32());

        Assert.Equal([_alerts.AcmeNorthResolved], (await admin.GetFromJsonAsync<AlertPage>("/api/alerts?state=resolved"))!.Items.Select(a => a.AlertId));
        Assert.Equal(4, (await admin.GetFromJsonAsync<AlertPage>("/api/alerts?state=all"))!.Items.Count);
        Assert.Equal([_alerts.AcmeNorth], (await admin.GetFromJsonAsync<AlertPage>("/api/alerts?severity=critical"))!.Items.Select(a => a.AlertId));
        Assert.Equal([_alerts.AcmeSouth], (await admin.GetFromJsonAsync<AlertPage>("/api/alerts?branch=acme-south"))!.Items.Select(a => a.AlertId));
        Assert.Equal([_alerts.AcmeNorth, _alerts.AcmeNorthResolved], (await admin.GetFromJsonAsync<AlertPage>("/api/alerts?state=all&device=acme-d1"))!.Items.Select(a => a.AlertId));
        Assert.Equal([_alerts.AcmeTenantWide], (await admin.GetFromJsonAsync<AlertPage>("/api/alerts?rule=dead-jobs"))!.Items.Select(a => a.AlertId));

        var first = (await admin.GetFromJsonAsync<AlertPage>("/api/alerts?pageSize=2"))!;
        Assert.Equal([_alerts.AcmeTenantWide, _alerts.AcmeSouth], first.Items.Select(a => a.AlertId));
        Assert.Equal(_alerts.AcmeSouth, first.NextBefore);
        var second = (await admin.GetFromJsonAsync<AlertPage>($"/api/alerts?pageSize=2&before={first.NextBefore}"))!;
        Assert.Equal([_alerts.AcmeNorth], second.Items.Select(a => a.AlertId));
        Assert.Null(second.NextBefore);
    }

    [Fact]
    public async Task Acknowledging_records_who_and_when_with_one_audit_row_and_repeating_it_changes_nothing()
    {
        using var admin = await fx.ClientAsAsync(SeedData.AcmeAdmin);
        var response = await admin.PostAsync($"/api/alerts/{_alerts.AcmeSouth}/acknowledge", null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var acked = (await response.Content.ReadFromJsonAsync<AlertView>())!;
        Assert.Equal(("acknowledged", SeedData.AcmeAdmin), (acked.State, acked.AcknowledgedBy));
        Assert.True(acked.AcknowledgedAt > DateTime.UtcNow.AddMinutes(-1));

        await using var c = new NpgsqlConnection(fx.ConnectionString);
        var audit = await c.QuerySingleAsync<(string Actor, string Tenant, string Rule, string Summary)>(
            "SELECT actor, tenant_id, details ->> 'rule', details ->> 'summary' FROM audit_log WHERE action = 'alert-acknowledged' AND target = @t",
            new { t = _alerts.AcmeSouth.ToString(CultureInfo.InvariantCulture) });
        Assert.Equal((SeedData.AcmeAdmin, SeedData.Acme, "backlog-chunks", SeedAlerts.SouthSummary), audit);
        Assert.Null(await c.ExecuteScalarAsync<DateTime?>("SELECT resolved_at FROM alerts WHERE alert_id = @id", new { id = _alerts.AcmeSouth }));

        // A second click (or a second person) keeps the first acknowledgement and writes no second audit row.
        var again = await admin.PostAsync($"/api/alerts/{_alerts.AcmeSouth}/acknowledge", null);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(acked.AcknowledgedAt, (await again.Content.ReadFromJsonAsync<AlertView>())!.AcknowledgedAt);
        Assert.Equal(1, await c.ExecuteScalarAsync<int>("SELECT count(*) FROM audit_log WHERE action = 'alert-acknowledged'"));

        var open = (await admin.GetFromJsonAsync<AlertPage>("/api/alerts?state=unacknowledged"))!;
        Assert.DoesNotContain(_alerts.AcmeSouth, open.Items.Select(a => a.AlertId));
        Assert.Equal([_alerts.AcmeSouth], (await admin.GetFromJsonAsync<AlertPage>("/api/alerts?state=acknowledged"))!.Items.Select(a => a.AlertId));
    }

    [Fact]
    public async Task A_resolved_alert_nobody_acknowledged_is_refused_with_a_conflict()
    {
        using var admin = await fx.ClientAsAsync(SeedData.AcmeAdmin);
        var response = await admin.PostAsync($"/api/alerts/{_alerts.AcmeNorthResolved}/acknowledge", null);
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("resolved", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await using var c = new NpgsqlConnection(fx.ConnectionString);
        Assert.Null(await c.ExecuteScalarAsync<string>("SELECT acknowledged_by FROM alerts WHERE alert_id = @id", new { id = _alerts.AcmeNorthResolved }));
    }

    [Fact]
    public async Task Another_tenants_alert_is_not_found_for_reading_or_acknowledging()
    {
        using var globex = await fx.ClientAsAsync(SeedData.GlobexAdmin);
        Assert.Equal([_alerts.Globex], (await globex.GetFromJsonAsync<AlertPage>("/api/alerts?state=all"))!.Items.Select(a => a.AlertId));
        Assert.Empty((await globex.GetFromJsonAsync<AlertPage>("/api/alerts?state=all&branch=acme-north&device=acme-d1"))!.Items);
        foreach (var id in new[] { _alerts.AcmeNorth, _alerts.AcmeTenantWide })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await globex.GetAsync($"/api/alerts/{id}")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await globex.PostAsync($"/api/alerts/{id}/acknowledge", null)).StatusCode);
        }

        await using var c = new NpgsqlConnection(fx.ConnectionString);
        Assert.Equal(0, await c.ExecuteScalarAsync<int>("SELECT count(*) FROM alerts WHERE tenant_id = 'acme' AND acknowledged_at IS NOT NULL"));
        Assert.Equal(0, await c.ExecuteScalarAsync<int>("SELECT count(*) FROM audit_log WHERE action = 'alert-acknowledged'"));
    }

    [Fact]
    public async Task A_branch_supervisor_sees_and_acknowledges_only_their_branch_never_another_or_a_tenant_wide_alert()
    {
        using var supervisor = await fx.ClientAsAsync(SeedData.AcmeNorthSupervisor);
        Assert.Equal([_alerts.AcmeNorth], (await supervisor.GetFromJsonAsync<AlertPage>("/api/alerts"))!.Items.Select(a => a.AlertId));
        Assert.Empty((await supervisor.GetFromJsonAsync<AlertPage>("/api/alerts?branch=acme-south"))!.Items);
        foreach (var id in new[] { _alerts.AcmeSouth, _alerts.AcmeTenantWide })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await supervisor.GetAsync($"/api/alerts/{id}")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await supervisor.PostAsync($"/api/alerts/{id}/acknowledge", null)).StatusCode);
        }

        Assert.Equal(HttpStatusCode.OK, (await supervisor.PostAsync($"/api/alerts/{_alerts.AcmeNorth}/acknowledge", null)).StatusCode);
        await using var c = new NpgsqlConnection(fx.ConnectionString);
        Assert.Equal(
            [(_alerts.AcmeNorth, (string?)SeedData.AcmeNorthSupervisor)],
            (await c.QueryAsync<(long, string?)>("SELECT alert_id, acknowledged_by FROM alerts WHERE acknowledged_at IS NOT NULL")).ToList());
    }

    [Fact]
    public async Task A_technician_reads_alerts_but_cannot_acknowledge_and_an_analyst_cannot_read_them()
    {
        using var technician = await fx.ClientAsAsync(SeedData.AcmeTechnician);
        Assert.Equal(3, (await technician.GetFromJsonAsync<AlertPage>("/api/alerts"))!.Items.Count);
        Assert.Equal(HttpStatusCode.Forbidden, (await technician.PostAsync($"/api/alerts/{_alerts.AcmeNorth}/acknowledge", null)).StatusCode);

        using var analyst = await fx.ClientAsAsync(SeedData.AcmeAnalyst);
        Assert.Equal(HttpStatusCode.Forbidden, (await analyst.GetAsync("/api/alerts")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await analyst.GetAsync($"/api/alerts/{_alerts.AcmeNorth}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await analyst.GetAsync("/api/alerts/events")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await analyst.PostAsync($"/api/alerts/{_alerts.AcmeNorth}/acknowledge", null)).StatusCode);
        await using var c = new NpgsqlConnection(fx.ConnectionString);
        Assert.Equal(0, await c.ExecuteScalarAsync<int>("SELECT count(*) FROM alerts WHERE acknowledged_at IS NOT NULL"));
    }

    [Fact]
    public async Task The_stream_pushes_an_alert_inserted_after_it_opened_and_the_counts_with_it()
    {
        using var supervisor = await fx.ClientAsAsync(SeedData.AcmeNorthSupervisor);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var response = await supervisor.GetAsync("/api/alerts/events", HttpCompletionOption.ResponseHeadersRead, cts.Token);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        await using var stream = await response.Content.ReadAsStreamAsync(cts.Token);
        using var reader = new StreamReader(stream, Encoding.UTF8);

        var first = await NextSnapshotAsync(reader, cts.Token);
        Assert.Equal((1, 1, 1), (first.Counts.Open, first.Counts.Unacknowledged, first.Counts.UnacknowledgedCritical));
        Assert.Equal([_alerts.AcmeNorth], first.Open.Select(a => a.AlertId));

        // The evaluator opens a new alert in the supervisor's branch, and one in another branch they must not get.
        await using var c = new NpgsqlConnection(fx.ConnectionString);
        var south = await SeedAlerts.InsertAsync(c, "acme", "acme-south", "acme-d2", "spool-free-low", "critical", "South spool 4% free", TimeSpan.Zero);
        var added = await SeedAlerts.InsertAsync(c, "acme", "acme-north", "acme-d1", "crash-loop", "critical", "Till 1 restarted 5 times in an hour", TimeSpan.Zero);

        var next = await NextSnapshotAsync(reader, cts.Token);
        Assert.Equal([added, _alerts.AcmeNorth], next.Open.Select(a => a.AlertId));
        Assert.Equal(2, next.Counts.Unacknowledged);
        Assert.DoesNotContain(south, next.Open.Select(a => a.AlertId));
        Assert.DoesNotContain("South spool", JsonSerializer.Serialize(next), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/api/alerts?state=burning", "state")]
    [InlineData("/api/alerts?rule=anything'--", "rule")]
    [InlineData("/api/alerts?severity=info", "severity")]
    [InlineData("/api/alerts?pageSize=100000", "pageSize")]
    [InlineData("/api/alerts?pageSize=0", "pageSize")]
    public async Task Bad_filters_are_a_400_naming_the_parameter(string path, string field)
    {
        using var admin = await fx.ClientAsAsync(SeedData.AcmeAdmin);
        var response = await admin.GetAsync(path);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains($"\"{field}\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private static async Task<AlertSnapshot> NextSnapshotAsync(StreamReader reader, CancellationToken ct)
    {
        string? eventType = null;
        while (await reader.ReadLineAsync(ct) is { } line)
        {
            if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                eventType = line["event: ".Length..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal) && eventType == AlertEvents.EventType)
            {
                return JsonSerializer.Deserialize<AlertSnapshot>(line["data: ".Length..], JsonSerializerOptions.Web)!;
            }
        }

        throw new InvalidOperationException("the alert stream ended without an event");
    }
}
