using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Dapper;
using Iot.Dashboard.Auth;
using Iot.Dashboard.Fleet;
using Iot.Dashboard.Tests.Infrastructure;
using Npgsql;

namespace Iot.Dashboard.Tests.Fleet;

/// <summary>
/// Issue 17 item 6: the fleet list's health columns and filters, the device page's detail, their live streams, and who
/// may see them. Health, events and alerts are written straight into PostgreSQL as the fleet service would write them.
/// </summary>
public sealed class FleetDetailApiTests(DashboardFixture fx) : IClassFixture<DashboardFixture>, IAsyncLifetime
{
    private const string NorthTechnician = "north-tech@acme.test";
    private SeedAlerts _alerts = null!;
    private DateTime _lastChunk;

    public async Task InitializeAsync()
    {
        _alerts = await SeedAlerts.WriteAsync(fx.ConnectionString);
        _lastChunk = await SeedHealth.WriteAsync(fx.ConnectionString);
        await using var c = new NpgsqlConnection(fx.ConnectionString);
        await c.ExecuteAsync(
            """
            INSERT INTO dashboard_users (user_id, tenant_id, email, display_name, role, branches, password_hash)
            VALUES (gen_random_uuid(), 'acme', @email, @email, @role, ARRAY['acme-north'], @hash) ON CONFLICT DO NOTHING
            """,
            new { email = NorthTechnician, role = Roles.Technician, hash = PasswordHashing.Hash(SeedData.Password) });
    }

    public async Task DisposeAsync()
    {
        await SeedAlerts.ClearAsync(fx.ConnectionString);
        await SeedHealth.ClearAsync(fx.ConnectionString);
    }

    [Fact]
    public async Task The_fleet_list_carries_state_reason_mic_recording_backlog_spool_last_chunk_agent_and_open_alerts()
    {
        using var admin = await fx.ClientAsAsync(SeedData.AcmeAdmin);
        var devices = (await admin.GetFromJsonAsync<List<FleetDevice>>("/api/devices"))!;
        Assert.Equal(["acme-d1", "acme-d2"], devices.Select(d => d.DeviceId));

        var north = devices[0];
        Assert.Equal(("online", "first-connect"), (north.Status, north.StatusReason));
        Assert.Equal(("streaming", SeedHealth.NorthMic), (north.Mic, north.MicName));
        Assert.Equal((true, "in-schedule", "Schedule"), (north.Recording, north.RecordingReason, north.RecordingTrigger));
        Assert.Equal((12, 5 * SeedHealth.MiB), (north.BacklogChunks, north.BacklogBytes));
        Assert.Equal(75.0, north.SpoolUsedPercent);
        Assert.Equal((true, SeedHealth.NorthBroker), (north.Tls, north.Broker));
        Assert.Equal("2.1.0", north.AgentVersion);
        Assert.Equal(_lastChunk, north.LastChunkAt);
        Assert.InRange(north.UptimeSeconds!.Value, 3 * 3600 - 60, 3 * 3600 + 120);
        Assert.Equal((1, "critical"), (north.OpenAlerts, north.TopSeverity));

        // The last will's reason; an agent older than the new telemetry fields leaves them null.
        var south = devices[1];
        Assert.Equal(("offline", "connection-lost"), (south.Status, south.StatusReason));
        Assert.Equal("missing", south.Mic);
        Assert.Null(south.MicName);
        Assert.Null(south.RecordingTrigger);
        Assert.Null(south.Tls);
        Assert.Null(south.Broker);
        Assert.Null(south.SpoolUsedPercent);
        Assert.Null(south.UptimeSeconds);
        Assert.Null(south.LastChunkAt);
        Assert.Equal((700, "1.9.0"), (south.BacklogChunks, south.AgentVersion));
        Assert.Equal((1, "warning"), (south.OpenAlerts, south.TopSeverity));
    }

    [Theory]
    [InlineData("?state=online", "acme-d1")]
    [InlineData("?state=offline", "acme-d2")]
    [InlineData("?state=mic-missing", "acme-d2")]
    [InlineData("?state=with-alerts", "acme-d1,acme-d2")]
    [InlineData("?state=never-seen", "")]
    [InlineData("?branch=acme-north", "acme-d1")]
    [InlineData("?branch=acme-south&state=with-alerts", "acme-d2")]
    [InlineData("?branch=acme-south&state=online", "")]
    [InlineData("?branch=globex-main", "")]
    public async Task The_fleet_list_filters_by_branch_and_state(string query, string expected)
    {
        using var admin = await fx.ClientAsAsync(SeedData.AcmeAdmin);
        var devices = (await admin.GetFromJsonAsync<List<FleetDevice>>("/api/devices" + query))!;
        Assert.Equal(expected, string.Join(',', devices.Select(d => d.DeviceId)));
    }

    [Theory]
    [InlineData("/api/devices?state=burning", "state")]
    [InlineData("/api/devices/events?state=online'--", "state")]
    public async Task A_bad_filter_is_a_400_naming_it(string path, string field)
    {
        using var admin = await fx.ClientAsAsync(SeedData.AcmeAdmin);
        var response = await admin.GetAsync(path);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains($"\"{field}\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_device_detail_has_uptime_reconnects_and_restarts_config_versions_and_only_open_alerts()
    {
        using var tech = await fx.ClientAsAsync(SeedData.AcmeTechnician);
        var detail = (await tech.GetFromJsonAsync<DeviceDetail>("/api/devices/acme-d1", JsonSerializerOptions.Web))!;
        Assert.Equal(SeedHealth.NorthMic, detail.Device.MicName);
        Assert.Equal("first-connect", detail.Device.ReconnectReason);
        Assert.Equal((4L, 3L), (detail.Config.DesiredVersion!.Value, detail.Config.ReportedVersion!.Value));
        Assert.Equal(["online", "restart", "offline"], detail.Events.Select(e => e.Kind));
        Assert.Equal(_alerts.AcmeNorth, Assert.Single(detail.Alerts!).AlertId);
        Assert.DoesNotContain(detail.Events, e => e.Reason is "south-event-reason" or "globex-event-reason");
    }

    [Fact]
    public async Task A_branch_user_or_another_tenant_gets_404_for_the_device_detail_and_its_stream_and_sees_no_foreign_health()
    {
        foreach (var email in new[] { SeedData.AcmeNorthSupervisor, NorthTechnician })
        {
            using var north = await fx.ClientAsAsync(email);
            Assert.Equal(HttpStatusCode.NotFound, (await north.GetAsync("/api/devices/acme-d2")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await north.GetAsync("/api/devices/acme-d2/events")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await north.GetAsync("/fleet/acme-d2")).StatusCode);
            var body = await north.GetStringAsync("/api/devices?branch=acme-south");
            Assert.Equal("[]", body);
            var all = await north.GetStringAsync("/api/devices");
            Assert.Contains("acme-d1", all, StringComparison.Ordinal);
            Assert.DoesNotContain("acme-d2", all, StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.OK, (await north.GetAsync("/api/devices/acme-d1")).StatusCode);
        }

        using var globex = await fx.ClientAsAsync(SeedData.GlobexAdmin);
        Assert.Equal(HttpStatusCode.NotFound, (await globex.GetAsync("/api/devices/acme-d1")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await globex.GetAsync("/api/devices/acme-d1/events")).StatusCode);
        var own = await globex.GetStringAsync("/api/devices?branch=acme-north");
        Assert.Equal("[]", own);
        Assert.Contains(SeedHealth.GlobexMic, await globex.GetStringAsync("/api/devices/globex-d1"), StringComparison.Ordinal);

        using var analyst = await fx.ClientAsAsync(SeedData.AcmeAnalyst);
        Assert.Equal(HttpStatusCode.Forbidden, (await analyst.GetAsync("/api/devices/acme-d1/events")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await analyst.GetAsync("/api/devices?state=online")).StatusCode);

        // Row security on device_health and device_events themselves, not only the endpoints' checks.
        await using var c = new NpgsqlConnection(fx.ConnectionString);
        await c.OpenAsync();
        await using var tx = await c.BeginTransactionAsync();
        await c.ExecuteAsync("SET LOCAL ROLE iot_dashboard_app; SELECT set_config('app.tenant_id', 'acme', true), set_config('app.branches', 'acme-north', true)", transaction: tx);
        Assert.Equal(["acme-d1"], await c.QueryAsync<string>("SELECT device_id FROM device_health ORDER BY device_id", transaction: tx));
        Assert.Equal(0, await c.ExecuteScalarAsync<int>("SELECT count(*) FROM device_events WHERE device_id <> 'acme-d1'", transaction: tx));
    }

    [Fact]
    public async Task A_telemetry_change_in_device_health_reaches_an_open_fleet_stream_and_the_device_stream()
    {
        using var supervisor = await fx.ClientAsAsync(SeedData.AcmeNorthSupervisor);
        using var admin = await fx.ClientAsAsync(SeedData.AcmeAdmin);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var fleet = await supervisor.GetAsync("/api/devices/events?state=online", HttpCompletionOption.ResponseHeadersRead, cts.Token);
        Assert.Equal("text/event-stream", fleet.Content.Headers.ContentType?.MediaType);
        using var fleetReader = new StreamReader(await fleet.Content.ReadAsStreamAsync(cts.Token), Encoding.UTF8);
        using var device = await supervisor.GetAsync("/api/devices/acme-d1/events", HttpCompletionOption.ResponseHeadersRead, cts.Token);
        using var deviceReader = new StreamReader(await device.Content.ReadAsStreamAsync(cts.Token), Encoding.UTF8);

        // Acme's admin sees every branch, so only another tenant's change could leak into this stream.
        using var tenantWide = await admin.GetAsync("/api/devices/events", HttpCompletionOption.ResponseHeadersRead, cts.Token);
        using var tenantReader = new StreamReader(await tenantWide.Content.ReadAsStreamAsync(cts.Token), Encoding.UTF8);

        var first = await NextAsync<List<FleetDevice>>(fleetReader, FleetEvents.EventType, SouthMarker, cts.Token);
        Assert.Equal(12, Assert.Single(first).BacklogChunks);
        Assert.Equal(12, (await NextAsync<DeviceDetail>(deviceReader, FleetEvents.DeviceEventType, SouthMarker, cts.Token)).Device.BacklogChunks);
        Assert.Equal(["acme-d1", "acme-d2"], (await NextAsync<List<FleetDevice>>(tenantReader, FleetEvents.EventType, GlobexMarker, cts.Token)).Select(d => d.DeviceId));

        // The fleet service writes newer telemetry: the microphone is unplugged and the backlog grows. Globex's desk and
        // the south till change first, so every event that shows the north change was read after those were written
        // too, and must not carry them.
        await using var c = new NpgsqlConnection(fx.ConnectionString);
        var now = DateTimeOffset.UtcNow;
        await SeedHealth.UpsertAsync(c, "globex", "globex-d1", "online", GlobexMarker + "-reason", now, SeedHealth.NorthTelemetry(now) with { MicName = GlobexMarker + "-mic" });
        await SeedHealth.UpsertAsync(c, "acme", "acme-d2", "online", SouthMarker + "-reason", now, SeedHealth.NorthTelemetry(now) with { MicName = SouthMarker + "-mic" });
        await SeedHealth.UpsertAsync(c, "acme", "acme-d1", "online", "first-connect", now.AddHours(-3), SeedHealth.NorthTelemetry(now) with { OutboxDepth = 99, Mic = "missing" });

        // An event may come from a poll between two of these writes; read on until the north change shows.
        var next = await UntilAsync<List<FleetDevice>>(fleetReader, FleetEvents.EventType, SouthMarker, l => l.Any(d => d.BacklogChunks == 99), cts.Token);
        Assert.Equal(("acme-d1", "missing"), (Assert.Single(next).DeviceId, next[0].Mic));
        var detail = await UntilAsync<DeviceDetail>(deviceReader, FleetEvents.DeviceEventType, SouthMarker, d => d.Device.BacklogChunks == 99, cts.Token);
        Assert.Equal("missing", detail.Device.Mic);
        var acme = await UntilAsync<List<FleetDevice>>(tenantReader, FleetEvents.EventType, GlobexMarker, l => l.Any(d => d.BacklogChunks == 99), cts.Token);
        Assert.Equal(["acme-d1", "acme-d2"], acme.Select(d => d.DeviceId));
        Assert.Equal(SouthMarker + "-mic", acme[1].MicName);
    }

    [Fact]
    public async Task An_unchanged_device_sends_no_new_event_while_only_its_uptime_grows()
    {
        using var tech = await fx.ClientAsAsync(SeedData.AcmeTechnician);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var device = await tech.GetAsync("/api/devices/acme-d1/events", HttpCompletionOption.ResponseHeadersRead, cts.Token);
        using var reader = new StreamReader(await device.Content.ReadAsStreamAsync(cts.Token), Encoding.UTF8);
        Assert.NotNull((await NextAsync<DeviceDetail>(reader, FleetEvents.DeviceEventType, SouthMarker, cts.Token)).Device.UptimeSeconds);

        // Three polls (Dashboard:FleetPushSeconds = 1 in tests), each with a larger uptime and nothing else new.
        using var quiet = CancellationTokenSource.CreateLinkedTokenSource(cts.Token);
        quiet.CancelAfter(TimeSpan.FromSeconds(3.5));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => NextAsync<DeviceDetail>(reader, FleetEvents.DeviceEventType, SouthMarker, quiet.Token));
    }

    private const string SouthMarker = "south-stream";
    private const string GlobexMarker = "globex-stream";

    private static async Task<T> UntilAsync<T>(StreamReader reader, string type, string forbidden, Func<T, bool> done, CancellationToken ct)
    {
        while (true)
        {
            var value = await NextAsync<T>(reader, type, forbidden, ct);
            if (done(value))
            {
                return value;
            }
        }
    }

    /// <summary>The next event of <paramref name="type"/>; every data line read on the way must not carry <paramref name="forbidden"/>.</summary>
    private static async Task<T> NextAsync<T>(StreamReader reader, string type, string forbidden, CancellationToken ct)
    {
        string? eventType = null;
        while (await reader.ReadLineAsync(ct) is { } line)
        {
            if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                eventType = line["event: ".Length..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                Assert.DoesNotContain(forbidden, line, StringComparison.Ordinal);
                if (eventType == type)
                {
                    return JsonSerializer.Deserialize<T>(line["data: ".Length..], JsonSerializerOptions.Web)!;
                }
            }
        }

        throw new InvalidOperationException("the stream ended without an event");
    }
}
