using Iot.Dashboard.Data;
using Iot.Dashboard.Hosting;
using Microsoft.Extensions.Options;

namespace Iot.Dashboard.Fleet;

/// <summary>
/// One device as the Fleet screen, the device page and their live streams show it: the registry row, the last status and
/// telemetry the fleet service stored (<c>device_health</c>), the last chunk, and its open alerts. Telemetry fields are
/// null when the device never sent telemetry or its agent predates the field (the screens show "—").
/// </summary>
public sealed class FleetDevice
{
    public string DeviceId { get; init; } = "";
    public string? DisplayName { get; init; }
    public string? BranchId { get; init; }
    public string? Model { get; init; }

    /// <summary>What the agent last reported (status or telemetry); the version it was provisioned with before that.</summary>
    public string? AgentVersion { get; init; }
    public DateTime? LastSeenAt { get; init; }
    public DateTime? RevokedAt { get; init; }
    public bool Enabled { get; init; }

    /// <summary>online, offline, never-seen, revoked or disabled.</summary>
    public string Status { get; set; } = "";

    /// <summary>
    /// Why: for offline the reason of the last status (<c>connection-lost</c> = the broker published the agent's last
    /// will) or <c>silent</c> (no status, only time without messages); for online why the agent (re)connected.
    /// </summary>
    public string? StatusReason { get; set; }

    /// <summary>Last status from the device: online or offline; null when none was heard.</summary>
    public string? HealthState { get; init; }
    public string? ReconnectReason { get; init; }

    /// <summary>When the agent process started (its clock); uptime counts from here while online.</summary>
    public DateTime? StartedAt { get; init; }
    public double? UptimeSeconds { get; set; }
    public DateTime? TelemetryAt { get; init; }

    /// <summary>missing, present or streaming; null for file sources and old agents.</summary>
    public string? Mic { get; init; }
    public string? MicName { get; init; }
    public bool? Recording { get; init; }
    public string? RecordingReason { get; init; }
    public string? RecordingTrigger { get; init; }
    public int? BacklogChunks { get; init; }
    public long? BacklogBytes { get; init; }
    public long? SpoolFreeBytes { get; init; }
    public long? SpoolTotalBytes { get; init; }
    public double? SpoolUsedPercent { get; set; }
    public bool? Tls { get; init; }
    public string? Broker { get; init; }

    /// <summary>Recording start (device clock) and cloud arrival of the newest chunk; on the list only within <see cref="FleetQueries.ListChunkLookback"/>.</summary>
    public DateTime? LastChunkAt { get; init; }
    public DateTime? LastChunkReceivedAt { get; init; }

    /// <summary>Open alerts of this device; 0 and null for callers who may not read alerts.</summary>
    public int OpenAlerts { get; init; }
    public string? TopSeverity { get; init; }
}

public sealed class FleetQueries(TenantDb db, TimeProvider time, IOptions<DashboardOptions> options)
{
    /// <summary>
    /// How far back the list looks for each device's last chunk. chunks is partitioned by month: this keeps the list's
    /// per-device lookup to the current and previous month's partitions; the device page looks without a bound.
    /// </summary>
    public static readonly TimeSpan ListChunkLookback = TimeSpan.FromDays(31);

    // The fragments are raw strings without a trailing newline: callers join them with "\n".
    // Telemetry is stored as the fleet service re-serialised it from a typed DeviceTelemetry, so the casts cannot fail.
    // Row security filters devices (tenant, branches), device_health, chunks and alerts alike.
    private const string Select = """
        SELECT d.device_id AS DeviceId, d.display_name AS DisplayName, d.branch_id AS BranchId, d.model AS Model,
               coalesce(h.agent_version, h.telemetry ->> 'agentVersion', d.agent_version) AS AgentVersion,
               d.last_seen_at AS LastSeenAt, d.revoked_at AS RevokedAt, d.enabled AS Enabled,
               h.state AS HealthState, h.reconnect_reason AS ReconnectReason,
               coalesce(h.started_at, (h.telemetry ->> 'startedAtUtc')::timestamptz) AS StartedAt, h.telemetry_at AS TelemetryAt,
               h.telemetry ->> 'mic' AS Mic, h.telemetry ->> 'micName' AS MicName,
               (h.telemetry ->> 'recording')::boolean AS Recording, h.telemetry ->> 'recordingReason' AS RecordingReason,
               h.telemetry ->> 'recordingTrigger' AS RecordingTrigger,
               (h.telemetry ->> 'outboxDepth')::int AS BacklogChunks, (h.telemetry ->> 'outboxBytes')::bigint AS BacklogBytes,
               (h.telemetry ->> 'spoolFreeBytes')::bigint AS SpoolFreeBytes, (h.telemetry ->> 'spoolTotalBytes')::bigint AS SpoolTotalBytes,
               (h.telemetry ->> 'tls')::boolean AS Tls, h.telemetry ->> 'broker' AS Broker,
               lc.started_at AS LastChunkAt, lc.received_at AS LastChunkReceivedAt,
               coalesce(al.open, 0) AS OpenAlerts, al.top AS TopSeverity
        FROM devices d
        LEFT JOIN device_health h ON h.device_id = d.device_id
        """;

    // Ordered by the partition key with LIMIT 1: PostgreSQL walks the months newest first, one index descent each
    // (chunks_device_started), and stops at the first month with a chunk of the device.
    private const string LastChunk = """
        LEFT JOIN LATERAL (SELECT c.started_at, c.received_at FROM chunks c WHERE c.device_id = d.device_id {0}
                           ORDER BY c.started_at DESC LIMIT 1) lc ON true
        LEFT JOIN (SELECT a.device_id, count(*)::int AS open,
                          CASE WHEN bool_or(a.severity = 'critical') THEN 'critical' ELSE 'warning' END AS top
                   FROM alerts a WHERE @alerts AND a.resolved_at IS NULL AND a.device_id IS NOT NULL GROUP BY a.device_id) al ON al.device_id = d.device_id
        """;

    /// <summary>Devices of the caller's scope, filtered; <paramref name="filter"/> is already validated.</summary>
    public async Task<IReadOnlyList<FleetDevice>> DevicesAsync(FleetFilter filter, bool includeAlerts, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var rows = await db.QueryAsync<FleetDevice>(
            Select + "\n" + string.Format(System.Globalization.CultureInfo.InvariantCulture, LastChunk, "AND c.started_at >= @chunkSince") + "\n" + """
            WHERE (@branch::text IS NULL OR d.branch_id = @branch)
            ORDER BY d.branch_id NULLS LAST, d.device_id
            """,
            new { branch = filter.Branch, alerts = includeAlerts, chunkSince = now - ListChunkLookback },
            ct).ConfigureAwait(false);
        return [.. rows.Select(Derive).Where(filter.Matches)];
    }

    /// <summary>All devices of the caller's scope (the page-less callers: device control checks, old clients).</summary>
    public Task<IReadOnlyList<FleetDevice>> DevicesAsync(CancellationToken ct) => DevicesAsync(FleetFilter.None, includeAlerts: false, ct);

    /// <summary>One device, or null when it is not the caller's (another tenant or branch) or does not exist.</summary>
    public async Task<FleetDevice?> DeviceAsync(string deviceId, bool includeAlerts, CancellationToken ct)
    {
        var row = await db.QuerySingleAsync<FleetDevice>(
            Select + "\n" + string.Format(System.Globalization.CultureInfo.InvariantCulture, LastChunk, "") + "\nWHERE d.device_id = @deviceId",
            new { deviceId, alerts = includeAlerts },
            ct).ConfigureAwait(false);
        return row is null ? null : Derive(row);
    }

    private FleetDevice Derive(FleetDevice d)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var onlineSince = now.AddSeconds(-options.Value.OnlineWindowSeconds);

        // The device's own offline status (its last will on a power cut) wins over a recent last_seen_at, which that very
        // message refreshed; without one, silence longer than the online window is offline too.
        (d.Status, d.StatusReason) = d.RevokedAt is not null ? ("revoked", null)
            : !d.Enabled ? ("disabled", null)
            : d.HealthState == "offline" ? ("offline", d.ReconnectReason ?? "offline")
            : d.LastSeenAt is null ? ("never-seen", null)
            : d.LastSeenAt >= onlineSince ? ("online", d.ReconnectReason)
            : ("offline", "silent");
        d.UptimeSeconds = d.Status == "online" && d.StartedAt is { } started && started <= now ? (now - started).TotalSeconds : null;
        d.SpoolUsedPercent = d.SpoolTotalBytes is > 0 and long total && d.SpoolFreeBytes is long free
            ? Math.Round(100.0 * (total - free) / total, 1)
            : null;
        return d;
    }
}
