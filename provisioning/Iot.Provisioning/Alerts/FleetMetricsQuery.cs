using Dapper;
using Npgsql;

namespace Iot.Provisioning.Alerts;

/// <summary>One read of everything the fleet gauges show, taken by <see cref="FleetMetrics"/> in one round trip.</summary>
internal sealed record FleetSnapshot(
    IReadOnlyList<FleetSnapshot.Threshold> Thresholds,
    IReadOnlyList<FleetSnapshot.Device> Devices,
    IReadOnlyList<FleetSnapshot.Jobs> DeadJobs,
    IReadOnlyList<FleetSnapshot.Jobs> OldestUnfinished,
    IReadOnlyList<FleetSnapshot.Claim> Claims)
{
    public sealed record Threshold(string TenantId, string Rule, double Value);

    /// <summary>Timestamps are Unix seconds; null = not known (never heard, no telemetry field), so no sample.</summary>
    public sealed record Device(
        string TenantId, string? BranchId, string DeviceId, double? LastHeard, double? OfflineSince, int? Online, double? MicMissingSince,
        double? OutboxChunks, double? OutboxBytes, double? SpoolFreePercent, double Restarts, double Rejected);

    /// <summary>Per tenant (null = jobs of no tenant, the platform's) and kind: a count, or a creation time.</summary>
    public sealed record Jobs(string? TenantId, string Kind, double Value);

    public sealed record Claim(string TenantId, string ClaimId, double ExpiresAt);
}

/// <summary>
/// The SQL behind <see cref="FleetMetrics"/>: the rules' own measures (<see cref="AlertMeasures"/>), left raw (times as
/// timestamps, bytes as bytes) so Prometheus computes ages at evaluation time, and every tenant's threshold per rule
/// (its override or the default; no row when the tenant switched the rule off), as the evaluator's <c>th</c> has them.
/// </summary>
internal static class FleetMetricsQuery
{
    public static async Task<FleetSnapshot> ReadAsync(NpgsqlDataSource dataSource, DateTimeOffset now, bool devices, CancellationToken ct)
    {
        var (hour, previous, elapsed) = AlertMeasures.RejectionWindow(now);
        var rules = AlertRuleCatalog.All.Where(r => r.Scope != AlertScope.Platform).ToArray();
        var sql =
            $"""
            SELECT t.tenant_id AS TenantId, r.rule AS Rule, coalesce(s.threshold, r.def) AS Value
            FROM tenants t CROSS JOIN unnest(@rules::text[], @defs::float8[]) AS r(rule, def)
            LEFT JOIN alert_rule_settings s ON s.tenant_id = t.tenant_id AND s.rule = r.rule
            WHERE coalesce(s.enabled, true)
            ORDER BY 1, 2;

            SELECT d.tenant_id AS TenantId, d.branch_id AS BranchId, d.device_id AS DeviceId,
                   extract(epoch FROM {AlertMeasures.LastHeard})::float8 AS LastHeard,
                   CASE WHEN h.state = 'offline' THEN extract(epoch FROM h.state_received_at)::float8 END AS OfflineSince,
                   CASE h.state WHEN 'online' THEN 1 WHEN 'offline' THEN 0 END AS Online,
                   CASE WHEN {AlertMeasures.MicMissing} THEN extract(epoch FROM h.mic_missing_since)::float8 END AS MicMissingSince,
                   {AlertMeasures.OutboxChunks} AS OutboxChunks, {AlertMeasures.OutboxBytes} AS OutboxBytes,
                   {AlertMeasures.SpoolFreePercent} AS SpoolFreePercent,
                   {AlertMeasures.RestartsLastHour} AS Restarts,
                   coalesce({AlertMeasures.RejectedLastHour}, 0) AS Rejected
            FROM devices d LEFT JOIN device_health h ON h.device_id = d.device_id AND h.tenant_id = d.tenant_id
            WHERE {AlertMeasures.ActiveDevice} AND @devices
            ORDER BY d.tenant_id, d.device_id;

            SELECT s.tenant_id AS TenantId, j.kind AS Kind, count(*)::float8 AS Value
            FROM jobs j JOIN job_scopes s ON s.job_id = j.job_id
            WHERE {AlertMeasures.DeadLastDay}
            GROUP BY 1, 2 ORDER BY 1, 2;

            SELECT s.tenant_id AS TenantId, j.kind AS Kind, extract(epoch FROM min(j.created_at))::float8 AS Value
            FROM jobs j JOIN job_scopes s ON s.job_id = j.job_id
            WHERE {AlertMeasures.Unfinished}
            GROUP BY 1, 2 ORDER BY 1, 2;

            SELECT c.tenant_id AS TenantId, c.claim_id AS ClaimId, extract(epoch FROM c.expires_at)::float8 AS ExpiresAt
            FROM claim_tokens c
            WHERE {AlertMeasures.UsableClaim}
            ORDER BY 1, 2;
            """;
        await using var c = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var grid = await c.QueryMultipleAsync(new CommandDefinition(
            sql,
            new
            {
                rules = rules.Select(r => r.Id).ToArray(),
                defs = rules.Select(r => r.DefaultThreshold).ToArray(),
                now,
                hour,
                previous,
                elapsed,
                devices,
                kinds = AlertTenantRules.LagKinds,
            },
            cancellationToken: ct)).ConfigureAwait(false);
        var thresholds = (await grid.ReadAsync<FleetSnapshot.Threshold>().ConfigureAwait(false)).AsList();
        var deviceRows = (await grid.ReadAsync<FleetSnapshot.Device>().ConfigureAwait(false)).AsList();
        var dead = (await grid.ReadAsync<FleetSnapshot.Jobs>().ConfigureAwait(false)).AsList();
        var oldest = (await grid.ReadAsync<FleetSnapshot.Jobs>().ConfigureAwait(false)).AsList();
        var claims = (await grid.ReadAsync<FleetSnapshot.Claim>().ConfigureAwait(false)).AsList();
        return new FleetSnapshot(thresholds, deviceRows, dead, oldest, claims);
    }
}
