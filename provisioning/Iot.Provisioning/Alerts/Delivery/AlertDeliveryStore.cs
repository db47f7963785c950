using Dapper;
using Npgsql;

namespace Iot.Provisioning.Alerts.Delivery;

/// <summary>
/// The delivery queue in <c>alert_deliveries</c>. A claim moves the due rows' <c>next_attempt_at</c> past a lease in the
/// same statement that locks them (FOR UPDATE SKIP LOCKED), so other bridges skip them while this one sends without
/// holding a transaction open; a bridge that dies mid-batch leaves rows that fall due again when the lease ends.
/// </summary>
public sealed class AlertDeliveryStore(NpgsqlDataSource dataSource)
{
    /// <summary>The longest <c>last_error</c> kept: enough for a status line and a reason, not a whole error page.</summary>
    public const int MaxErrorLength = 500;

    private const string ClaimSql = """
        WITH due AS (
            SELECT delivery_id FROM alert_deliveries
            WHERE status = 'pending' AND next_attempt_at <= @now
            ORDER BY next_attempt_at
            LIMIT @batch
            FOR UPDATE SKIP LOCKED),
        claimed AS (
            UPDATE alert_deliveries d SET next_attempt_at = @leaseUntil
            FROM due WHERE d.delivery_id = due.delivery_id
            RETURNING d.delivery_id, d.alert_id, d.channel_id, d.event, d.attempts, d.created_at)
        SELECT c.delivery_id AS DeliveryId, c.event AS Event, c.attempts AS Attempts, c.channel_id AS ChannelId, c.created_at AS CreatedAt,
               a.alert_id AS AlertId, a.tenant_id AS TenantId, a.branch_id AS BranchId, a.device_id AS DeviceId, a.rule AS Rule,
               a.subject AS Subject, a.severity AS Severity, a.summary AS Summary, a.details::text AS Details,
               a.first_seen_at AS FirstSeenAt, a.last_seen_at AS LastSeenAt, a.occurrences AS Occurrences,
               a.resolved_at AS ResolvedAt, a.acknowledged_at AS AcknowledgedAt, a.acknowledged_by AS AcknowledgedBy,
               ch.channel_id AS ChannelRowId, ch.kind AS Kind, ch.name AS Name, ch.url AS Url, ch.template AS Template,
               ch.secret AS Secret, ch.recipients AS Recipients, coalesce(ch.enabled, false) AS ChannelEnabled
        FROM claimed c
        JOIN alerts a ON a.alert_id = c.alert_id
        LEFT JOIN alert_channels ch ON ch.channel_id = c.channel_id
        ORDER BY c.delivery_id
        """;

    public async Task<IReadOnlyList<DueDelivery>> ClaimDueAsync(DateTimeOffset now, int batch, TimeSpan lease, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        var rows = await connection.QueryAsync<DueDelivery>(new CommandDefinition(
            ClaimSql, new { now, batch, leaseUntil = now + lease }, cancellationToken: ct)).ConfigureAwait(false);
        return rows.AsList();
    }

    /// <summary>
    /// Writes one attempt's result. Only a row still pending is touched: a row someone else already finished (a lease
    /// that ran out while this bridge was stuck) keeps its first result.
    /// </summary>
    public async Task RecordAsync(long deliveryId, int attempts, string status, DateTimeOffset at, DateTimeOffset? nextAttemptAt, int? responseStatus, string? error, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE alert_deliveries SET
                attempts = @attempts, status = @status, last_attempt_at = @at, response_status = @responseStatus,
                last_error = @error, delivered_at = CASE WHEN @status = 'delivered' THEN @at END,
                next_attempt_at = coalesce(@nextAttemptAt, next_attempt_at)
            WHERE delivery_id = @deliveryId AND status = 'pending'
            """,
            new { deliveryId, attempts, status, at, nextAttemptAt, responseStatus, error = Truncate(error) },
            cancellationToken: ct)).ConfigureAwait(false);
    }

    public static string? Truncate(string? error) =>
        error is null || error.Length <= MaxErrorLength ? error : error[..(MaxErrorLength - 1)] + "…";
}
