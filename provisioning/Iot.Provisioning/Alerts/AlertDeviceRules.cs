namespace Iot.Provisioning.Alerts;

/// <summary>
/// The per-device rules, each one query over <c>device_health</c>, <c>device_events</c> and <c>chunk_rejections</c>
/// for the enabled, unrevoked devices of tenants that have the rule on. Subject = device id; branch = the device's.
/// A measured zero never fires, whatever the threshold.
/// </summary>
internal static class AlertDeviceRules
{
    private sealed record Row(string TenantId, string? BranchId, string DeviceId, string Name, double Value, double Threshold, string? Note);

    public static async Task<List<AlertFiring>> EvaluateAsync(AlertPass pass)
    {
        var (hour, previous, elapsed) = AlertMeasures.RejectionWindow(pass.Now);
        var firings = new List<AlertFiring>();

        // Offline: the last status said offline (counted from when the cloud heard it), or nothing at all has been heard for
        // the threshold (counted from the last status, telemetry or devices.last_seen_at). A device never heard of is new,
        // not offline.
        firings.AddRange(await RunAsync(pass, AlertRuleCatalog.DeviceOffline,
            $"""
            CASE WHEN h.state = 'offline' THEN extract(epoch FROM @now - h.state_received_at)::float8 / 60
                 WHEN {AlertMeasures.LastHeard} IS NOT NULL
                 THEN extract(epoch FROM @now - greatest({AlertMeasures.LastHeard}, @since))::float8 / 60 END
            """,
            "CASE WHEN h.state = 'offline' THEN coalesce(h.reconnect_reason, 'offline') ELSE 'silent' END",
            (r, u) => r.Note == "silent"
                ? AlertFiring.F($"{r.Name} ({r.DeviceId}) has not been heard from for {r.Value:0} min (threshold {r.Threshold:0.##} {u})")
                : AlertFiring.F($"{r.Name} ({r.DeviceId}) has been offline for {r.Value:0} min, last reason {r.Note} (threshold {r.Threshold:0.##} {u})"),
            new { since = pass.ListeningSince }));

        // Microphone: missing in every telemetry since mic_missing_since (set by the health writer); not while offline,
        // which the offline rule reports.
        firings.AddRange(await RunAsync(pass, AlertRuleCatalog.MicrophoneMissing,
            $"CASE WHEN {AlertMeasures.MicMissing} THEN extract(epoch FROM @now - h.mic_missing_since)::float8 / 60 END",
            "NULL",
            (r, u) => AlertFiring.F($"{r.Name} ({r.DeviceId}) has reported its microphone missing for {r.Value:0} min (threshold {r.Threshold:0.##} {u})")));

        firings.AddRange(await RunAsync(pass, AlertRuleCatalog.BacklogChunks,
            AlertMeasures.OutboxChunks,
            "NULL",
            (r, u) => AlertFiring.F($"{r.Name} ({r.DeviceId}) has {r.Value:0} unsent chunks waiting (threshold {r.Threshold:0.##} {u})")));

        firings.AddRange(await RunAsync(pass, AlertRuleCatalog.BacklogMegabytes,
            $"{AlertMeasures.OutboxBytes} / 1048576",
            "NULL",
            (r, u) => AlertFiring.F($"{r.Name} ({r.DeviceId}) has {r.Value:0.#} MB of unsent audio waiting (threshold {r.Threshold:0.##} {u})")));

        // Spool free share: fires at or below the threshold (the one rule where lower is worse among the device rules).
        firings.AddRange(await RunAsync(pass, AlertRuleCatalog.SpoolFreeLow,
            AlertMeasures.SpoolFreePercent,
            "NULL",
            (r, u) => AlertFiring.F($"{r.Name} ({r.DeviceId}) has {r.Value:0.#}% free on its spool disk (threshold {r.Threshold:0.##} {u})"),
            lowIsBad: true));

        firings.AddRange(await RunAsync(pass, AlertRuleCatalog.CrashLoop,
            AlertMeasures.RestartsLastHour,
            "NULL",
            (r, u) => AlertFiring.F($"{r.Name} ({r.DeviceId}) restarted {r.Value:0} times in the last hour (threshold {r.Threshold:0.##} {u})")));

        // Rejections: this clock hour's plus the share of the previous hour's still inside the last 60 minutes.
        firings.AddRange(await RunAsync(pass, AlertRuleCatalog.RejectedChunks,
            AlertMeasures.RejectedLastHour,
            """
            (SELECT string_agg(x.reason || ' ' || x.n, ', ' ORDER BY x.n DESC, x.reason) FROM (
                SELECT r.reason, sum(r.count) AS n FROM chunk_rejections r
                WHERE r.tenant_id = d.tenant_id AND r.device_id = d.device_id AND r.hour IN (@hour, @previous) GROUP BY r.reason) x)
            """,
            (r, u) => AlertFiring.F($"The bridge refused {r.Value:0} chunks from {r.Name} ({r.DeviceId}) in the last hour: {r.Note} (threshold {r.Threshold:0.##} {u})"),
            new { hour, previous, elapsed }));
        return firings;
    }

    private static async Task<IEnumerable<AlertFiring>> RunAsync(
        AlertPass pass, string ruleId, string valueSql, string noteSql, Func<Row, string, string> summary, object? args = null, bool lowIsBad = false)
    {
        var rule = AlertRuleCatalog.Find(ruleId)!;
        var compare = lowIsBad ? "v.value <= th.threshold" : "v.value >= th.threshold AND v.value > 0";
        var rows = await pass.QueryAsync<Row>(
            $"""
            WITH {AlertPass.Thresholds}
            SELECT d.tenant_id AS TenantId, d.branch_id AS BranchId, d.device_id AS DeviceId, coalesce(d.display_name, d.device_id) AS Name,
                   v.value AS Value, th.threshold AS Threshold, v.note AS Note
            FROM devices d
            JOIN th ON th.tenant_id = d.tenant_id
            LEFT JOIN device_health h ON h.device_id = d.device_id AND h.tenant_id = d.tenant_id
            CROSS JOIN LATERAL (SELECT ({valueSql}) AS value, ({noteSql})::text AS note) v
            WHERE {AlertMeasures.ActiveDevice} AND v.value IS NOT NULL AND {compare}
            ORDER BY d.device_id
            """,
            rule,
            args).ConfigureAwait(false);
        return rows.Select(r => new AlertFiring(
            r.TenantId, r.BranchId, r.DeviceId, rule.Id, r.DeviceId, rule.Severity, summary(r, rule.Unit), r.Value, r.Threshold, rule.Unit,
            r.Note is null ? null : new Dictionary<string, object?> { ["note"] = r.Note, ["device"] = r.Name }));
    }
}
