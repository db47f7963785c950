using Iot.Protocol.Messages;
using Iot.Provisioning.Tests.Alerts;

namespace Iot.Provisioning.Tests.Fleet;

/// <summary>The status and telemetry the fleet service hears, kept in device_health and device_events.</summary>
public sealed class DeviceHealthWriterTests
{
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);

    [Fact]
    public async Task The_newest_status_and_telemetry_win_and_a_late_one_does_not_roll_the_row_back()
    {
        await using var rig = await AlertRig.StartAsync();
        await rig.DeviceAsync("acme-d1");
        var writer = rig.HealthWriter();
        var t0 = rig.Time.GetUtcNow();

        writer.OnStatus("acme", "acme-d1", Online(t0, "first-connect"));
        writer.OnTelemetry("acme", "acme-d1", new DeviceTelemetry { AtUtc = t0, OutboxDepth = 7, Mic = "streaming", AgentVersion = "1.2.3" });
        Assert.Equal(1, await writer.FlushAsync(CancellationToken.None));

        // Heard late (another bridge, a redelivery): older than what is stored.
        writer.OnStatus("acme", "acme-d1", new DeviceStatus { State = DeviceState.Offline, AtUtc = t0 - Minute, ReconnectReason = "shutdown" });
        writer.OnTelemetry("acme", "acme-d1", new DeviceTelemetry { AtUtc = t0 - Minute, OutboxDepth = 999 });
        await writer.FlushAsync(CancellationToken.None);

        Assert.Equal(
            "online:first-connect:7:streaming:1.2.3",
            await rig.ScalarAsync<string>("SELECT state || ':' || reconnect_reason || ':' || (telemetry ->> 'outboxDepth') || ':' || (telemetry ->> 'mic') || ':' || agent_version FROM device_health"));
        Assert.Equal("online", await rig.ScalarAsync<string>("SELECT string_agg(kind, ',' ORDER BY event_id) FROM device_events"));

        writer.OnTelemetry("acme", "acme-d1", new DeviceTelemetry { AtUtc = t0 + Minute, OutboxDepth = 8 });
        await writer.FlushAsync(CancellationToken.None);
        Assert.Equal("8", await rig.ScalarAsync<string>("SELECT telemetry ->> 'outboxDepth' FROM device_health"));
        Assert.Equal(rig.Time.GetUtcNow().UtcDateTime, await rig.ScalarAsync<DateTime>("SELECT last_seen_at FROM devices"));
    }

    [Fact]
    public async Task A_status_for_a_device_of_another_tenant_or_an_unknown_device_is_ignored()
    {
        await using var rig = await AlertRig.StartAsync();
        await rig.DeviceAsync("other-d1", tenantId: "other", branchId: "other-main");
        var writer = rig.HealthWriter();
        var t0 = rig.Time.GetUtcNow();

        writer.OnStatus("acme", "other-d1", new DeviceStatus { State = DeviceState.Offline, AtUtc = t0, ReconnectReason = "forged" });
        writer.OnTelemetry("acme", "other-d1", new DeviceTelemetry { AtUtc = t0, Mic = "missing" });
        writer.OnStatus("acme", "ghost", Online(t0, "first-connect"));

        Assert.Equal(0, await writer.FlushAsync(CancellationToken.None));
        Assert.Equal(0L, await rig.ScalarAsync<long>("SELECT count(*) FROM device_health"));
        Assert.Equal(0L, await rig.ScalarAsync<long>("SELECT count(*) FROM device_events"));
        Assert.Null(await rig.ScalarAsync<DateTime?>("SELECT last_seen_at FROM devices WHERE device_id = 'other-d1' AND last_seen_at > @t", new { t = t0 }));
    }

    [Fact]
    public async Task A_new_process_start_is_a_restart_a_reconnect_is_not_and_a_sessions_will_replaces_its_online_status()
    {
        await using var rig = await AlertRig.StartAsync();
        await rig.DeviceAsync("acme-d1");
        await rig.DeviceAsync("acme-old");
        var writer = rig.HealthWriter();
        var t0 = rig.Time.GetUtcNow();
        var started = t0 - Minute;

        writer.OnStatus("acme", "acme-d1", Online(t0, "first-connect", started));
        await writer.FlushAsync(CancellationToken.None);

        // The connection drops: the broker publishes the will, stamped with the same time as the session's online status.
        writer.OnStatus("acme", "acme-d1", new DeviceStatus { State = DeviceState.Offline, AtUtc = t0, ReconnectReason = "connection-lost", StartedAtUtc = started });
        await writer.FlushAsync(CancellationToken.None);
        Assert.Equal("offline", await rig.ScalarAsync<string>("SELECT state FROM device_health WHERE device_id = 'acme-d1'"));

        // Same process reconnects: not a restart. Then a new process: a restart.
        writer.OnStatus("acme", "acme-d1", Online(t0 + Minute, "KeepAliveTimeout", started));
        writer.OnStatus("acme", "acme-d1", Online(t0 + 2 * Minute, "first-connect", t0 + 2 * Minute));
        await writer.FlushAsync(CancellationToken.None);

        // An agent that does not send its start time: first-connect after an earlier status is a restart.
        writer.OnStatus("acme", "acme-old", Online(t0, "first-connect"));
        await writer.FlushAsync(CancellationToken.None);
        writer.OnStatus("acme", "acme-old", Online(t0 + Minute, "KeepAliveTimeout"));
        writer.OnStatus("acme", "acme-old", Online(t0 + 2 * Minute, "first-connect"));
        await writer.FlushAsync(CancellationToken.None);

        Assert.Equal(
            "acme-d1:online:first-connect,acme-d1:offline:connection-lost,acme-d1:online:KeepAliveTimeout,acme-d1:restart:first-connect,acme-old:online:first-connect,acme-old:restart:first-connect",
            await rig.ScalarAsync<string>("SELECT string_agg(device_id || ':' || kind || ':' || reason, ',' ORDER BY device_id, event_id) FROM device_events"));
        Assert.Equal((t0 + 2 * Minute).UtcDateTime, await rig.ScalarAsync<DateTime>("SELECT started_at FROM device_health WHERE device_id = 'acme-d1'"));
    }

    [Fact]
    public async Task Three_restarts_within_an_hour_open_a_crash_loop_alert()
    {
        await using var rig = await AlertRig.StartAsync();
        await rig.DeviceAsync("acme-d1", name: "Till");
        var writer = rig.HealthWriter();
        var evaluator = rig.Evaluator();

        for (var i = 0; i < 4; i++)
        {
            var now = rig.Time.GetUtcNow();
            writer.OnStatus("acme", "acme-d1", Online(now, "first-connect", now));
            await writer.FlushAsync(CancellationToken.None);
            rig.Time.Advance(5 * Minute);
            await evaluator.EvaluateOnceAsync(CancellationToken.None);
            Assert.Equal(i >= 3 ? ["crash-loop:acme-d1"] : [], await rig.OpenAsync());
        }

        Assert.Contains("Till (acme-d1) restarted 3 times in the last hour", await rig.ScalarAsync<string>("SELECT summary FROM alerts"), StringComparison.Ordinal);
        // An hour on, the restarts are out of the window (and the device, silent since, is now offline instead).
        rig.Time.Advance(60 * Minute);
        await evaluator.EvaluateOnceAsync(CancellationToken.None);
        Assert.Equal(["device-offline:acme-d1"], await rig.OpenAsync());
    }

    [Fact]
    public async Task Two_bridges_writing_the_same_messages_record_each_event_once()
    {
        await using var rig = await AlertRig.StartAsync();
        await rig.DeviceAsync("acme-d1");
        var a = rig.HealthWriter();
        var b = rig.HealthWriter();
        var t0 = rig.Time.GetUtcNow();
        foreach (var w in new[] { a, b })
        {
            w.OnStatus("acme", "acme-d1", Online(t0, "first-connect", t0));
            w.OnStatus("acme", "acme-d1", new DeviceStatus { State = DeviceState.Offline, AtUtc = t0 + Minute, ReconnectReason = "shutdown", StartedAtUtc = t0 });
            w.OnStatus("acme", "acme-d1", Online(t0 + 2 * Minute, "first-connect", t0 + 2 * Minute));
        }

        await Task.WhenAll(Task.Run(() => a.FlushAsync(CancellationToken.None)), Task.Run(() => b.FlushAsync(CancellationToken.None)));

        Assert.Equal("online,offline,restart,online", await rig.ScalarAsync<string>("SELECT string_agg(kind, ',' ORDER BY event_id) FROM device_events"));
    }

    [Fact]
    public async Task A_microphone_missing_in_every_telemetry_for_five_minutes_opens_an_alert_and_present_clears_it()
    {
        await using var rig = await AlertRig.StartAsync();
        await rig.DeviceAsync("acme-d1");
        var writer = rig.HealthWriter();
        var evaluator = rig.Evaluator();
        var since = rig.Time.GetUtcNow();
        writer.OnStatus("acme", "acme-d1", Online(since, "first-connect", since));

        for (var i = 0; i <= 5; i++)
        {
            writer.OnTelemetry("acme", "acme-d1", new DeviceTelemetry { AtUtc = rig.Time.GetUtcNow(), Mic = "missing" });
            await writer.FlushAsync(CancellationToken.None);
            await evaluator.EvaluateOnceAsync(CancellationToken.None);
            Assert.Equal(i >= 5 ? ["mic-missing:acme-d1"] : [], await rig.OpenAsync());
            rig.Time.Advance(Minute);
        }

        Assert.Equal(since.UtcDateTime, await rig.ScalarAsync<DateTime>("SELECT mic_missing_since FROM device_health"));
        writer.OnTelemetry("acme", "acme-d1", new DeviceTelemetry { AtUtc = rig.Time.GetUtcNow(), Mic = "present" });
        await writer.FlushAsync(CancellationToken.None);
        await evaluator.EvaluateOnceAsync(CancellationToken.None);
        Assert.Empty(await rig.OpenAsync());
        Assert.Null(await rig.ScalarAsync<DateTime?>("SELECT mic_missing_since FROM device_health"));
    }

    private static DeviceStatus Online(DateTimeOffset at, string reason, DateTimeOffset? started = null) =>
        new() { State = DeviceState.Online, AtUtc = at, ReconnectReason = reason, StartedAtUtc = started, AgentVersion = "1.2.3" };
}
