using Dapper;
using Npgsql;

namespace Iot.Provisioning.Api;

/// <summary>
/// What a caller may see of <c>alerts</c>: a tenant-bound scope its tenant's only, a branch-scoped one only alerts of its
/// branches (a tenant-wide alert has no branch and, as under the dashboard's row security, needs all branches), and
/// platform alerts (no tenant) only a caller acting for every tenant.
/// </summary>
public sealed class AlertActions(NpgsqlDataSource dataSource)
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;
    public const string Open = "open";
    public const string All = "all";

    /// <summary>Null when acceptable, else the problem naming the parameter.</summary>
    public static string? Check(string? state, int? limit) =>
        state is not (null or Open or All) ? "state must be 'open' or 'all'"
        : limit is < 1 or > MaxLimit ? $"limit must be 1..{MaxLimit}"
        : null;

    public async Task<AlertsView> ListAsync(OperatorScope scope, string state, int limit, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(scope);
        await using var c = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        var rows = await c.QueryAsync<AlertView>(new CommandDefinition(
            """
            SELECT alert_id AS AlertId, tenant_id AS TenantId, branch_id AS BranchId, device_id AS DeviceId, rule AS Rule, subject AS Subject,
                   severity AS Severity, summary AS Summary, details::text AS Details, first_seen_at AS FirstSeenAt, last_seen_at AS LastSeenAt,
                   occurrences AS Occurrences, resolved_at AS ResolvedAt, acknowledged_at AS AcknowledgedAt, acknowledged_by AS AcknowledgedBy
            FROM alerts
            WHERE (@tenantId::text IS NULL OR tenant_id = @tenantId::text)
              AND (@branches::text[] IS NULL OR branch_id = ANY (@branches::text[]))
              AND (@all OR resolved_at IS NULL)
            ORDER BY alert_id DESC
            LIMIT @limit
            """,
            new { tenantId = scope.TenantId, branches = scope.Branches?.ToArray(), all = state == All, limit },
            cancellationToken: ct)).ConfigureAwait(false);
        return new AlertsView(rows.AsList(), state, limit);
    }
}
