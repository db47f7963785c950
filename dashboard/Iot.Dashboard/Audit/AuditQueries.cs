using Iot.Dashboard.Data;

namespace Iot.Dashboard.Audit;

public sealed class AuditRow
{
    public long AuditId { get; init; }
    public DateTime At { get; init; }
    public string Actor { get; init; } = "";
    public string Action { get; init; } = "";
    public string? Target { get; init; }
    public string Details { get; init; } = "{}";
}

public sealed record AuditPage(IReadOnlyList<AuditRow> Items, long? NextBefore);

/// <summary>The tenant's audit trail, newest first, paged by id.</summary>
public sealed class AuditQueries(TenantDb db)
{
    public const int MaxPageSize = 100;

    public async Task<AuditPage> ListAsync(string? action, long? before, int pageSize, CancellationToken ct)
    {
        var rows = await db.QueryAsync<AuditRow>(
            """
            SELECT audit_id AS AuditId, at AS At, actor AS Actor, action AS Action, target AS Target, details::text AS Details
            FROM audit_log
            WHERE (@action::text IS NULL OR action = @action) AND (@before::bigint IS NULL OR audit_id < @before)
            ORDER BY audit_id DESC LIMIT @limit
            """,
            new { action, before, limit = pageSize + 1 },
            ct).ConfigureAwait(false);
        var items = rows.Take(pageSize).ToList();
        return new AuditPage(items, rows.Count > pageSize ? items[^1].AuditId : null);
    }
}
