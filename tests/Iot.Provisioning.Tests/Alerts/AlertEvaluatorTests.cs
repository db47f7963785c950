namespace Iot.Provisioning.Tests.Alerts;

/// <summary>The alert evaluator against real PostgreSQL, one pass at a time on a moveable clock.</summary>
public sealed class AlertEvaluatorTests
{
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);

    [Fact]
    public async Task An_offline_device_opens_one_alert_bumps_it_while_offline_resolves_when_it_returns_and_a_recurrence_opens_a_new_row()
    {
        await using var rig = await AlertRig.StartAsync();
        await rig.DeviceAsync("acme-d1", name: "Till");
        await rig.HealthAsync("acme-d1", "offline", 61 * Minute);

        var first = await rig.PassAsync();
        Assert.Equal(1, first.Opened);
        rig.Time.Advance(TimeSpan.FromSeconds(30));
        var second = await rig.PassAsync();
        Assert.Equal(0, second.Opened);

        var row = (await rig.QueryAsync<(long Id, string Branch, string Severity, string Summary, int Occurrences, DateTime First, DateTime Last, double Value, double Threshold)>(
            """
            SELECT alert_id, branch_id, severity, summary, occurrences, first_seen_at, last_seen_at, (details ->> 'value')::float8, (details ->> 'threshold')::float8
            FROM alerts WHERE rule = 'device-offline' AND subject = 'acme-d1'
            """)).Single();
        Assert.Equal(("north", "critical", 2), (row.Branch, row.Severity, row.Occurrences));
        Assert.Contains("Till (acme-d1) has been offline for 62 min", row.Summary, StringComparison.Ordinal);
        Assert.Equal(TimeSpan.FromSeconds(30), row.Last - row.First);
        Assert.Equal((61.5, 60.0), (row.Value, row.Threshold));

        await rig.HealthAsync("acme-d1", "online", TimeSpan.Zero);
        var back = await rig.PassAsync();
        Assert.Equal(1, back.Resolved);
        Assert.Empty(await rig.OpenAsync());

        await rig.HealthAsync("acme-d1", "offline", 90 * Minute);
        await rig.PassAsync();
        Assert.Equal(2, await rig.ScalarAsync<long>("SELECT count(*) FROM alerts WHERE rule = 'device-offline' AND subject = 'acme-d1'"));
        Assert.Equal(["device-offline:acme-d1"], await rig.OpenAsync());
        Assert.Equal(
            "alert-opened,alert-resolved,alert-opened",
            await rig.ScalarAsync<string>("SELECT string_agg(action, ',' ORDER BY audit_id) FROM audit_log WHERE actor = 'alerts' AND tenant_id = 'acme'"));
    }

    [Fact]
    public async Task A_device_never_heard_of_does_not_alert_and_a_silent_one_does_after_the_threshold()
    {
        await using var rig = await AlertRig.StartAsync();
        await rig.DeviceAsync("acme-new", seen: false);
        await rig.DeviceAsync("acme-quiet");
        await rig.HealthAsync("acme-quiet", "online", TimeSpan.Zero);
        var evaluator = rig.Evaluator();

        rig.Time.Advance(59 * Minute);
        await evaluator.EvaluateOnceAsync(CancellationToken.None);
        Assert.Empty(await rig.OpenAsync());

        rig.Time.Advance(2 * Minute);
        await evaluator.EvaluateOnceAsync(CancellationToken.None);
        Assert.Equal(["device-offline:acme-quiet"], await rig.OpenAsync());
        Assert.Contains("has not been heard from for 61 min", await rig.ScalarAsync<string>("SELECT summary FROM alerts"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Each_rule_opens_exactly_one_alert_for_its_cause_and_healthy_things_open_none()
    {
        await using var rig = await AlertRig.StartAsync();
        var now = rig.Time.GetUtcNow();
        foreach (var d in new[] { "d-ok", "d-off", "d-mic", "d-backlog", "d-spool", "d-crash", "d-rej" })
        {
            await rig.DeviceAsync(d);
        }

        const string Healthy = """{"outboxDepth":3,"outboxBytes":1000,"mic":"streaming","spoolFreeBytes":900,"spoolTotalBytes":1000}""";
        await rig.HealthAsync("d-ok", "online", Minute, Healthy);
        await rig.HealthAsync("d-off", "offline", 120 * Minute);
        await rig.HealthAsync("d-mic", "online", Minute, """{"mic":"missing"}""", now - 6 * Minute);
        await rig.HealthAsync("d-backlog", "online", Minute, """{"outboxDepth":600,"outboxBytes":262144000}""");
        await rig.HealthAsync("d-spool", "online", Minute, """{"spoolFreeBytes":50,"spoolTotalBytes":1000}""");
        await rig.HealthAsync("d-crash", "online", Minute, Healthy);
        await rig.HealthAsync("d-rej", "online", Minute, Healthy);
        await rig.ExecuteAsync(
            """
            INSERT INTO device_events (device_id, tenant_id, at, kind) SELECT 'd-crash', 'acme', @now - (n || ' minutes')::interval, 'restart' FROM generate_series(1, 3) n;
            INSERT INTO device_events (device_id, tenant_id, at, kind) VALUES ('d-ok', 'acme', @now - interval '2 hours', 'restart'), ('d-ok', 'acme', @now - interval '3 hours', 'restart'), ('d-ok', 'acme', @now - interval '4 hours', 'restart');
            INSERT INTO chunk_rejections (tenant_id, device_id, hour, reason, count) VALUES
                ('acme', 'd-rej', @hour, 'Malformed', 8), ('acme', 'd-rej', @hour - interval '1 hour', 'HashMismatch', 6), ('acme', 'd-ok', @hour - interval '2 hours', 'Malformed', 50);
            INSERT INTO claim_tokens (claim_id, tenant_id, branch_id, secret_hash, max_uses, uses, expires_at) VALUES
                ('claim-soon', 'acme', 'north', 'x', 10, 2, @now + interval '3 days'),
                ('claim-spent', 'acme', 'north', 'x', 2, 2, @now + interval '3 days'),
                ('claim-later', 'acme', 'north', 'x', NULL, 0, @now + interval '30 days');
            """,
            new { now, hour = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, 0, 0, TimeSpan.Zero) });
        var dialogue = await JobsAsync(rig, now);
        rig.Certificate = AlertRig.SelfSigned(now.AddDays(10));

        var result = await rig.PassAsync();

        Assert.Equal(
            new[]
            {
                "acme:backlog-chunks:d-backlog", "acme:backlog-mb:d-backlog", "acme:claim-expiry:claim-soon", "acme:crash-loop:d-crash",
                "acme:dead-jobs:transcribe", "acme:device-offline:d-off", "acme:mic-missing:d-mic", "acme:pipeline-lag:analyze",
                "acme:rejected-chunks:d-rej", "acme:spool-free-low:d-spool", "platform:certificate-expiry:broker-tls",
            },
            await rig.QueryAsync<string>("SELECT coalesce(tenant_id, 'platform') || ':' || rule || ':' || subject FROM alerts WHERE resolved_at IS NULL ORDER BY 1"));
        Assert.Equal(11, result.Opened);
        Assert.Equal(11L, await rig.ScalarAsync<long>("SELECT count(*) FROM alerts"));

        // The rejected-chunks value: this hour's 8 plus half of the previous hour's 6 (it is half past).
        Assert.Equal(11.0, await rig.ScalarAsync<double>("SELECT (details ->> 'value')::float8 FROM alerts WHERE rule = 'rejected-chunks'"));
        Assert.Contains("Malformed 8, HashMismatch 6", await rig.ScalarAsync<string>("SELECT summary FROM alerts WHERE rule = 'rejected-chunks'"), StringComparison.Ordinal);
        Assert.Equal(5.0, await rig.ScalarAsync<double>("SELECT (details ->> 'value')::float8 FROM alerts WHERE rule = 'spool-free-low'"));
        Assert.Equal(250.0, await rig.ScalarAsync<double>("SELECT (details ->> 'value')::float8 FROM alerts WHERE rule = 'backlog-mb'"));
        Assert.Null(await rig.ScalarAsync<string?>("SELECT branch_id FROM alerts WHERE rule = 'dead-jobs'"));
        Assert.Contains("broker.test", await rig.ScalarAsync<string>("SELECT summary FROM alerts WHERE rule = 'certificate-expiry'"), StringComparison.Ordinal);
        Assert.NotEqual(Guid.Empty, dialogue);

        var again = await rig.PassAsync();
        Assert.Equal((0, 0, 11), (again.Opened, again.Resolved, again.Firing));
        Assert.Equal(11L, await rig.ScalarAsync<long>("SELECT count(*) FROM alerts WHERE occurrences = 2"));
    }

    [Fact]
    public async Task A_tenant_override_changes_the_threshold_for_that_tenant_only_and_disabling_a_rule_resolves_its_alerts()
    {
        await using var rig = await AlertRig.StartAsync();
        await rig.DeviceAsync("acme-d1");
        await rig.DeviceAsync("other-d1", tenantId: "other", branchId: "other-main");
        await rig.HealthAsync("acme-d1", "offline", 20 * Minute);
        await rig.HealthAsync("other-d1", "offline", 20 * Minute);

        await rig.PassAsync();
        Assert.Empty(await rig.OpenAsync());

        await rig.ExecuteAsync("INSERT INTO alert_rule_settings (tenant_id, rule, threshold) VALUES ('acme', 'device-offline', 15)");
        await rig.PassAsync();
        Assert.Equal(["device-offline:acme-d1"], await rig.OpenAsync());
        Assert.Equal(15.0, await rig.ScalarAsync<double>("SELECT (details ->> 'threshold')::float8 FROM alerts"));

        await rig.ExecuteAsync("UPDATE alert_rule_settings SET enabled = false WHERE tenant_id = 'acme'");
        var off = await rig.PassAsync();
        Assert.Equal(1, off.Resolved);
        Assert.Empty(await rig.OpenAsync());
    }

    [Fact]
    public async Task Deliveries_are_queued_for_the_mqtt_topic_and_the_alerts_tenants_channels_that_its_severity_reaches()
    {
        await using var rig = await AlertRig.StartAsync();
        await rig.DeviceAsync("acme-d1");
        await rig.HealthAsync("acme-d1", "offline", 90 * Minute, """{"outboxDepth":900}""");
        var channels = await rig.QueryAsync<(string Name, long Id)>(
            """
            INSERT INTO alert_channels (tenant_id, kind, name, url, min_severity, enabled, recipients) VALUES
                ('acme', 'webhook', 'all', 'https://hooks.test/a', 'warning', true, NULL),
                ('acme', 'email', 'critical-only', NULL, 'critical', true, ARRAY['ops@acme.test']),
                ('acme', 'webhook', 'switched-off', 'https://hooks.test/b', 'warning', false, NULL),
                ('other', 'webhook', 'other-tenant', 'https://hooks.test/c', 'warning', true, NULL)
            RETURNING name, channel_id
            """);
        var id = channels.ToDictionary(c => c.Name, c => c.Id);
        rig.Certificate = AlertRig.SelfSigned(rig.Time.GetUtcNow().AddDays(5));

        await rig.PassAsync();

        var rows = await rig.QueryAsync<string>(
            """
            SELECT a.rule || ':' || coalesce(d.tenant_id, '-') || ':' || coalesce(c.name, 'mqtt') || ':' || d.event || ':' || d.status
            FROM alert_deliveries d JOIN alerts a USING (alert_id) LEFT JOIN alert_channels c USING (channel_id) ORDER BY 1
            """);
        Assert.Equal(
            new[]
            {
                "backlog-chunks:acme:all:opened:pending", "backlog-chunks:acme:mqtt:opened:pending",
                "certificate-expiry:-:mqtt:opened:pending",
                "device-offline:acme:all:opened:pending", "device-offline:acme:critical-only:opened:pending", "device-offline:acme:mqtt:opened:pending",
            },
            rows);
        Assert.DoesNotContain(id["other-tenant"], await rig.QueryAsync<long>("SELECT channel_id FROM alert_deliveries WHERE channel_id IS NOT NULL"));

        await rig.PassAsync();
        Assert.Equal(6L, await rig.ScalarAsync<long>("SELECT count(*) FROM alert_deliveries"));

        await rig.HealthAsync("acme-d1", "online", TimeSpan.Zero, """{"outboxDepth":0}""");
        rig.Certificate = null;
        await rig.PassAsync();
        Assert.Equal(
            new[] { "backlog-chunks:2", "certificate-expiry:1", "device-offline:3" },
            await rig.QueryAsync<string>("SELECT a.rule || ':' || count(*) FROM alert_deliveries d JOIN alerts a USING (alert_id) WHERE d.event = 'resolved' GROUP BY a.rule ORDER BY 1"));
    }

    [Fact]
    public async Task An_acknowledgement_made_in_the_dashboard_is_delivered_once_to_the_topic_and_the_channels_on_the_next_pass()
    {
        await using var rig = await AlertRig.StartAsync();
        await rig.DeviceAsync("acme-d1");
        await rig.HealthAsync("acme-d1", "offline", 90 * Minute);
        await rig.ExecuteAsync("INSERT INTO alert_channels (tenant_id, kind, name, url) VALUES ('acme', 'webhook', 'ops', 'https://hooks.test/a')");
        await rig.PassAsync();
        var alertId = await rig.ScalarAsync<long>("SELECT alert_id FROM alerts WHERE rule = 'device-offline'");
        Assert.Equal(0L, await rig.ScalarAsync<long>("SELECT count(*) FROM alert_deliveries WHERE event = 'acknowledged'"));

        // What the dashboard does: it may only set these two columns.
        await rig.ExecuteAsync("UPDATE alerts SET acknowledged_at = @at, acknowledged_by = 'sup@acme.test' WHERE alert_id = @alertId",
            new { at = rig.Time.GetUtcNow(), alertId });
        rig.Time.Advance(TimeSpan.FromSeconds(30));
        await rig.PassAsync();
        await rig.PassAsync();

        Assert.Equal(
            new[] { "ops:acknowledged", "mqtt:acknowledged" }.Order().ToArray(),
            (await rig.QueryAsync<string>(
                "SELECT coalesce(c.name, 'mqtt') || ':' || d.event FROM alert_deliveries d LEFT JOIN alert_channels c USING (channel_id) WHERE d.event = 'acknowledged' ORDER BY 1")).ToArray());
        Assert.Equal(0L, await rig.ScalarAsync<long>("SELECT count(*) FROM audit_log WHERE action NOT IN ('alert-opened', 'alert-resolved')"));
    }

    [Fact]
    public async Task Two_evaluators_racing_leave_one_open_row_per_cause()
    {
        await using var rig = await AlertRig.StartAsync();
        await rig.DeviceAsync("acme-d1");
        await rig.HealthAsync("acme-d1", "offline", 90 * Minute);
        var a = rig.Evaluator();
        var b = rig.Evaluator();

        var evaluated = 0;
        for (var i = 0; i < 10; i++)
        {
            var results = await Task.WhenAll(
                Task.Run(() => a.EvaluateOnceAsync(CancellationToken.None)),
                Task.Run(() => b.EvaluateOnceAsync(CancellationToken.None)));
            evaluated += results.Count(r => r.Evaluated);
        }

        Assert.InRange(evaluated, 10, 20);
        Assert.Equal(1L, await rig.ScalarAsync<long>("SELECT count(*) FROM alerts"));
        Assert.Equal(evaluated, await rig.ScalarAsync<int>("SELECT occurrences FROM alerts"));
        Assert.Equal(1L, await rig.ScalarAsync<long>("SELECT count(*) FROM alert_deliveries"));
        Assert.Equal(1L, await rig.ScalarAsync<long>("SELECT count(*) FROM audit_log WHERE action = 'alert-opened'"));
    }

    [Fact]
    public async Task A_bridge_that_just_started_counts_silence_from_its_start_not_from_before_its_outage()
    {
        await using var rig = await AlertRig.StartAsync();
        await rig.DeviceAsync("acme-d1");
        await rig.HealthAsync("acme-d1", "online", 3 * 60 * Minute);

        var restarted = rig.Evaluator();
        await restarted.EvaluateOnceAsync(CancellationToken.None);
        Assert.Empty(await rig.OpenAsync());

        rig.Time.Advance(60 * Minute);
        await restarted.EvaluateOnceAsync(CancellationToken.None);
        Assert.Equal(["device-offline:acme-d1"], await rig.OpenAsync());
    }

    [Fact]
    public async Task Open_alerts_are_counted_by_rule_and_severity_for_metrics_and_old_events_and_rejections_are_trimmed()
    {
        await using var rig = await AlertRig.StartAsync();
        await rig.DeviceAsync("acme-d1");
        await rig.HealthAsync("acme-d1", "offline", 90 * Minute);
        var now = rig.Time.GetUtcNow();
        await rig.ExecuteAsync(
            """
            INSERT INTO device_events (device_id, tenant_id, at, kind) VALUES ('acme-d1', 'acme', @now - interval '15 days', 'online'), ('acme-d1', 'acme', @now - interval '13 days', 'online');
            INSERT INTO chunk_rejections (tenant_id, device_id, hour, reason, count) VALUES ('acme', 'acme-d1', @now - interval '8 days', 'Malformed', 1), ('acme', 'acme-d1', @now - interval '6 days', 'Malformed', 1);
            """,
            new { now });

        await rig.PassAsync();

        var text = rig.Metrics.Render();
        Assert.Contains("iot_alerts_open{rule=\"device-offline\",severity=\"critical\"} 1", text, StringComparison.Ordinal);
        Assert.Contains("iot_alerts_open{rule=\"backlog-chunks\",severity=\"warning\"} 0", text, StringComparison.Ordinal);
        Assert.Contains("iot_alerts_evaluations_total{outcome=\"evaluated\"} 1", text, StringComparison.Ordinal);
        Assert.Contains($"iot_alerts_last_evaluation_timestamp_seconds {now.ToUnixTimeSeconds()}", text, StringComparison.Ordinal);
        Assert.Equal(1L, await rig.ScalarAsync<long>("SELECT count(*) FROM device_events"));
        Assert.Equal(1L, await rig.ScalarAsync<long>("SELECT count(*) FROM chunk_rejections"));
    }

    /// <summary>A dead transcribe job (finished an hour ago), an analyze job queued 45 minutes ago, and an old dead job outside the window.</summary>
    private static async Task<Guid> JobsAsync(AlertRig rig, DateTimeOffset now)
    {
        var dialogue = Guid.CreateVersion7();
        await rig.ExecuteAsync(
            """
            INSERT INTO dialogues (dialogue_id, tenant_id, branch_id, device_id, started_at, ended_at, status) VALUES (@dialogue, 'acme', 'north', 'd-ok', @now, @now, 'closed');
            INSERT INTO jobs (kind, payload, status, attempts, created_at, finished_at) VALUES
                ('transcribe', jsonb_build_object('dialogueId', @dialogue::text), 'dead', 5, @now - interval '2 hours', @now - interval '1 hour'),
                ('build-dialogues', jsonb_build_object('deviceId', 'd-ok'), 'dead', 5, @now - interval '3 days', @now - interval '2 days'),
                ('analyze', jsonb_build_object('dialogueId', @dialogue::text), 'queued', 0, @now - interval '45 minutes', NULL),
                ('transcribe', jsonb_build_object('dialogueId', @dialogue::text), 'queued', 0, @now - interval '5 minutes', NULL);
            """,
            new { dialogue, now });
        return dialogue;
    }
}
