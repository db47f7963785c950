using System.Data;
using System.Globalization;
using System.Text.Json;
using Dapper;
using Iot.Dashboard.Data;
using Iot.Provisioning.Alerts;

namespace Iot.Dashboard.Alerts;

/// <summary>
/// Alerts of the caller's tenant and branches (table <c>alerts</c>, migration 0056), read and acknowledged through
/// <see cref="TenantDb"/>: row security hides other tenants, other branches and — from branch-scoped users — alerts
/// without a branch (tenant-wide causes). The evaluator in the fleet service writes the rows; acknowledging is the only
/// change the dashboard's role may make to them (column grants).
/// </summary>
public sealed partial class AlertStore(TenantDb db, TimeProvider time, ILogger<AlertStore> logger)
{
    public const int MaxPageSize = 200;
    public const int DefaultPageSize = 50;

    /// <summary>The live stream carries at most this many open alerts; the counts are always whole.</summary>
    public const int SnapshotLimit = 50;

    private const string Columns = """
        a.alert_id AS AlertId, a.rule AS Rule, a.severity AS Severity, a.branch_id AS BranchId, a.device_id AS DeviceId,
        d.display_name AS DeviceName, a.subject AS Subject, a.summary AS Summary, a.details::text AS Details,
        a.first_seen_at AS FirstSeenAt, a.last_seen_at AS LastSeenAt, a.occurrences AS Occurrences, a.resolved_at AS ResolvedAt,
        a.acknowledged_at AS AcknowledgedAt, a.acknowledged_by AS AcknowledgedBy
        FROM alerts a LEFT JOIN devices d ON d.device_id = a.device_id
        """;

    public async Task<AlertPage> ListAsync(AlertFilter filter, CancellationToken ct)
    {
        var rows = await db.QueryAsync<AlertRow>(
            $"""
            SELECT {Columns}
            WHERE CASE @State
                    WHEN 'open' THEN a.resolved_at IS NULL
                    WHEN 'unacknowledged' THEN a.resolved_at IS NULL AND a.acknowledged_at IS NULL
                    WHEN 'acknowledged' THEN a.resolved_at IS NULL AND a.acknowledged_at IS NOT NULL
                    WHEN 'resolved' THEN a.resolved_at IS NOT NULL
                    ELSE true END
              AND (@Rule::text IS NULL OR a.rule = @Rule)
              AND (@Severity::text IS NULL OR a.severity = @Severity)
              AND (@Device::text IS NULL OR a.device_id = @Device)
              AND (@Branch::text IS NULL OR a.branch_id = @Branch)
              AND (@Before::bigint IS NULL OR a.alert_id < @Before)
            ORDER BY a.alert_id DESC LIMIT @limit
            """,
            new { filter.State, filter.Rule, filter.Severity, filter.Device, filter.Branch, filter.Before, limit = filter.PageSize + 1 },
            ct).ConfigureAwait(false);
        var items = rows.Take(filter.PageSize).Select(r => r.ToView()).ToList();
        return new AlertPage(items, rows.Count > filter.PageSize ? items[^1].AlertId : null);
    }

    /// <summary>Null when the alert is not there for this caller (another tenant, another branch, tenant-wide for a branch user).</summary>
    public async Task<AlertView?> GetAsync(long id, CancellationToken ct) =>
        (await db.QuerySingleAsync<AlertRow>($"SELECT {Columns} WHERE a.alert_id = @id", new { id }, ct).ConfigureAwait(false))?.ToView();

    /// <summary>Counts and the newest open alerts in one transaction, so the two agree.</summary>
    public Task<AlertSnapshot> SnapshotAsync(CancellationToken ct) =>
        db.RunAsync(
            async (c, tx) =>
            {
                var counts = await c.QuerySingleAsync<AlertCounts>(new CommandDefinition(
                    """
                    SELECT count(*)::int AS Open, (count(*) FILTER (WHERE acknowledged_at IS NULL))::int AS Unacknowledged,
                           (count(*) FILTER (WHERE acknowledged_at IS NULL AND severity = 'critical'))::int AS UnacknowledgedCritical
                    FROM alerts WHERE resolved_at IS NULL
                    """,
                    null,
                    tx,
                    cancellationToken: ct)).ConfigureAwait(false);
                var open = await c.QueryAsync<AlertRow>(new CommandDefinition(
                    $"SELECT {Columns} WHERE a.resolved_at IS NULL ORDER BY a.alert_id DESC LIMIT {SnapshotLimit}", null, tx, cancellationToken: ct)).ConfigureAwait(false);
                return new AlertSnapshot(counts, [.. open.Select(r => r.ToView())]);
            },
            ct);

    /// <summary>
    /// Marks an open alert as taken by the caller, with its audit row in the same transaction. Acknowledging an alert
    /// already acknowledged changes nothing and succeeds (the first acknowledgement stands; no second audit row).
    /// A resolved alert that nobody acknowledged is refused: its cause is gone, there is nothing left to take on.
    /// </summary>
    public Task<AcknowledgeResult> AcknowledgeAsync(long id, CancellationToken ct) =>
        db.RunAsync(
            async (c, tx) =>
            {
                // Conditional update: two staff clicking at once, or the evaluator resolving meanwhile, cannot overwrite.
                var changed = await c.ExecuteAsync(new CommandDefinition(
                    """
                    UPDATE alerts SET acknowledged_at = @now, acknowledged_by = @actor
                    WHERE alert_id = @id AND acknowledged_at IS NULL AND resolved_at IS NULL
                    """,
                    new { id, now = time.GetUtcNow(), actor = db.Scope.Actor },
                    tx,
                    cancellationToken: ct)).ConfigureAwait(false);
                var row = await c.QuerySingleOrDefaultAsync<AlertRow>(new CommandDefinition($"SELECT {Columns} WHERE a.alert_id = @id", new { id }, tx, cancellationToken: ct)).ConfigureAwait(false);
                if (row is null)
                {
                    return new AcknowledgeResult();
                }

                var view = row.ToView();
                if (changed == 0)
                {
                    return view.AcknowledgedAt is null
                        ? new AcknowledgeResult(Conflict: string.Create(CultureInfo.InvariantCulture, $"alert {id} was resolved at {view.ResolvedAt:u} without being acknowledged; there is nothing left to acknowledge"))
                        : new AcknowledgeResult(view);
                }

                await AuditLog.WriteAsync(c, tx, new AuditEntry(AlertAudit.Acknowledged, id.ToString(CultureInfo.InvariantCulture), new Dictionary<string, string?>
                {
                    ["rule"] = view.Rule,
                    ["severity"] = view.Severity,
                    ["subject"] = view.Subject,
                    ["branch"] = view.BranchId,
                    ["summary"] = view.Summary,
                }).For(db.Scope.TenantId, db.Scope.Actor), at: null, ct).ConfigureAwait(false);
                LogAcknowledged(logger, id, view.Rule, db.Scope.Actor);
                return new AcknowledgeResult(view, Changed: true);
            },
            ct);

    [LoggerMessage(Level = LogLevel.Information, Message = "Alert {AlertId} ({Rule}) acknowledged by {Actor}")]
    private static partial void LogAcknowledged(ILogger logger, long alertId, string rule, string actor);

    private sealed class AlertRow
    {
        public long AlertId { get; init; }
        public string Rule { get; init; } = "";
        public string Severity { get; init; } = "";
        public string? BranchId { get; init; }
        public string? DeviceId { get; init; }
        public string? DeviceName { get; init; }
        public string Subject { get; init; } = "";
        public string Summary { get; init; } = "";
        public string Details { get; init; } = "{}";
        public DateTime FirstSeenAt { get; init; }
        public DateTime LastSeenAt { get; init; }
        public int Occurrences { get; init; }
        public DateTime? ResolvedAt { get; init; }
        public DateTime? AcknowledgedAt { get; init; }
        public string? AcknowledgedBy { get; init; }

        public AlertView ToView()
        {
            var rule = AlertRuleCatalog.Find(Rule);
            using var details = JsonDocument.Parse(Details);
            return new AlertView(
                AlertId, Rule, rule?.Description, rule?.Unit, Severity, AlertStates.Of(ResolvedAt, AcknowledgedAt), BranchId, DeviceId, DeviceName,
                Subject, Summary, details.RootElement.Clone(), FirstSeenAt, LastSeenAt, Occurrences, ResolvedAt, AcknowledgedAt, AcknowledgedBy);
        }
    }
}

/// <summary>Audit actions of the alerts feature (written in the same transaction as the change).</summary>
public static class AlertAudit
{
    public const string Acknowledged = "alert-acknowledged";
    public const string RulesChanged = "alert-rules-changed";
    public const string ChannelCreated = "alert-channel-created";
    public const string ChannelChanged = "alert-channel-changed";
    public const string ChannelDeleted = "alert-channel-deleted";
}
