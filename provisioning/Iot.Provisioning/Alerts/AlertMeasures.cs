namespace Iot.Provisioning.Alerts;

/// <summary>
/// The SQL that says what each rule measures, shared by the evaluator's rules (<see cref="AlertDeviceRules"/>,
/// <see cref="AlertTenantRules"/>) and the fleet gauges Prometheus scrapes (<see cref="FleetMetrics"/>), so the two ways
/// of alerting cannot drift apart in what they count. Device expressions read <c>devices d</c> and
/// <c>device_health h</c>; the windowed ones take <c>@now</c> (and <c>@hour</c>, <c>@previous</c>, <c>@elapsed</c>).
/// </summary>
internal static class AlertMeasures
{
    /// <summary>Devices that count: enabled and not revoked.</summary>
    public const string ActiveDevice = "d.enabled AND d.revoked_at IS NULL";

    /// <summary>When the cloud last heard anything of the device (status, telemetry, <c>last_seen_at</c>); null = never.</summary>
    public const string LastHeard = "greatest(h.state_received_at, h.telemetry_received_at, d.last_seen_at)";

    /// <summary>Missing in every telemetry since <c>mic_missing_since</c>, and not while offline (the offline rule reports that).</summary>
    public const string MicMissing = "h.telemetry ->> 'mic' = 'missing' AND h.mic_missing_since IS NOT NULL AND h.state IS DISTINCT FROM 'offline'";

    public const string OutboxChunks = "(h.telemetry ->> 'outboxDepth')::float8";

    public const string OutboxBytes = "(h.telemetry ->> 'outboxBytes')::float8";

    /// <summary>Free share of the spool disk in percent, for agents that send both sizes.</summary>
    public const string SpoolFreePercent =
        """
        CASE WHEN (h.telemetry ->> 'spoolTotalBytes')::float8 > 0
             THEN 100 * (h.telemetry ->> 'spoolFreeBytes')::float8 / (h.telemetry ->> 'spoolTotalBytes')::float8 END
        """;

    public const string RestartsLastHour =
        "(SELECT count(*) FROM device_events e WHERE e.device_id = d.device_id AND e.kind = 'restart' AND e.at > @now - interval '1 hour')::float8";

    /// <summary>
    /// Rejections are counted per clock hour: the last 60 minutes are this hour's count plus the share of the previous
    /// hour's that still lies inside the window (assuming the previous hour's were spread evenly). Null = none.
    /// </summary>
    public const string RejectedLastHour =
        """
        (SELECT sum(CASE WHEN r.hour = @hour THEN r.count ELSE r.count * (1 - @elapsed) END)
         FROM chunk_rejections r WHERE r.tenant_id = d.tenant_id AND r.device_id = d.device_id AND r.hour IN (@hour, @previous))::float8
        """;

    /// <summary>Jobs (<c>j</c>) dead-lettered in the last 24 hours.</summary>
    public const string DeadLastDay = "j.status = 'dead' AND j.finished_at > @now - interval '24 hours'";

    /// <summary>Unfinished jobs (<c>j</c>) of the lag kinds (<c>@kinds</c>); lag counts from created_at, so a job retried or waiting is still late.</summary>
    public const string Unfinished = "j.status IN ('queued', 'running', 'waiting') AND j.kind = ANY (@kinds)";

    /// <summary>Claims (<c>c</c>) still usable: not revoked, not yet expired, uses left. A spent one expiring is fine.</summary>
    public const string UsableClaim = "c.revoked_at IS NULL AND c.expires_at > @now AND (c.max_uses IS NULL OR c.uses < c.max_uses)";

    /// <summary>The parameters of the rejection window at <paramref name="now"/>.</summary>
    public static (DateTimeOffset Hour, DateTimeOffset Previous, double Elapsed) RejectionWindow(DateTimeOffset now)
    {
        var utc = now.ToUniversalTime();
        var hour = new DateTimeOffset(utc.Year, utc.Month, utc.Day, utc.Hour, 0, 0, TimeSpan.Zero);
        return (hour, hour.AddHours(-1), (utc - hour).TotalSeconds / 3600);
    }
}
