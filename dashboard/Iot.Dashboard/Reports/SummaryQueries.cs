using Dapper;
using Iot.Dashboard.Data;

namespace Iot.Dashboard.Reports;

/// <summary>
/// The one query both summary formats (and the scheduled mail) render from. It runs through <see cref="TenantDb"/>, so
/// row security limits it to the caller's tenant and branches whatever the filters say; a branch filter naming a branch
/// the caller cannot see is "not found" (null) rather than an empty report, like every other foreign id.
/// Figures are the analyzer's (not reviewer corrections, which cover few dialogues), over dialogues started in the
/// period's local days in the tenant's time zone; analyses of flagged transcripts (migration 0053) are left out of the
/// analysed figures as on the overview. Read raw: the overview roll-up has neither operators nor reactions nor checklists.
/// </summary>
public sealed class SummaryQueries(TenantDb db, TimeProvider time)
{
    private const string FiguresSql =
    """
    SELECT GROUPING(d.branch_id) AS ByBranch, GROUPING(d.operator_id) AS ByOperator, d.branch_id AS BranchId, d.operator_id AS OperatorId,
           count(*)::int AS Dialogues, count(a.dialogue_id)::int AS Analysed,
           count(*) FILTER (WHERE a.upsell_attempted)::int AS Upsell,
           count(*) FILTER (WHERE a.upsell_attempted AND a.customer_reaction = 'accepted')::int AS Accepted,
           coalesce(sum(a.quality_score), 0)::bigint AS Quality,
           coalesce(sum(c.met), 0)::bigint AS Met, coalesce(sum(c.items), 0)::bigint AS Items
    FROM dialogues d
    LEFT JOIN analyses a ON a.dialogue_id = d.dialogue_id AND a.low_confidence IS NULL
    LEFT JOIN LATERAL (SELECT count(*) FILTER (WHERE (e ->> 'met')::boolean) AS met, count(*) AS items
                       FROM jsonb_array_elements(a.checklist) e) c ON a.dialogue_id IS NOT NULL
    WHERE d.deleted_at IS NULL AND d.started_at >= @lo AND d.started_at < @hi
      AND (@branch::text IS NULL OR d.branch_id = @branch) AND (@operator::text IS NULL OR d.operator_id = @operator)
    GROUP BY GROUPING SETS ((), (d.branch_id), (d.operator_id))
    """;

    private sealed record FigureRow(int ByBranch, int ByOperator, string? BranchId, string? OperatorId, int Dialogues, int Analysed, int Upsell, int Accepted, long Quality, long Met, long Items)
    {
        public SummaryFigures Figures => new(Dialogues, Analysed, Upsell, Accepted, Quality, Met, Items);
    }

    /// <summary>Null when <see cref="SummaryRequest.Branch"/> names a branch the caller cannot see.</summary>
    public Task<ReportSummary?> GetAsync(SummaryRequest request, CancellationToken ct) =>
        db.RunAsync<ReportSummary?>(
            async (c, tx) =>
            {
                var plan = await c.QuerySingleAsync<(string? Tenant, string Zone, DateTime Lo, DateTime Hi)>(new CommandDefinition(
                    """
                    WITH z AS (SELECT coalesce((SELECT time_zone FROM tenant_settings), 'Etc/UTC') AS zone)
                    SELECT (SELECT name FROM tenants), zone, @from::date::timestamp AT TIME ZONE zone, (@to::date + 1)::timestamp AT TIME ZONE zone FROM z
                    """,
                    new { from = request.From.ToDateTime(TimeOnly.MinValue), to = request.To.ToDateTime(TimeOnly.MinValue) },
                    tx,
                    cancellationToken: ct)).ConfigureAwait(false);
                var names = (await c.QueryAsync<(string Id, string Name)>(new CommandDefinition("SELECT branch_id, name FROM branches", transaction: tx, cancellationToken: ct)).ConfigureAwait(false))
                    .ToDictionary(b => b.Id, b => b.Name, StringComparer.Ordinal);
                if (request.Branch is not null && !names.ContainsKey(request.Branch))
                {
                    return null;
                }

                var rows = (await c.QueryAsync<FigureRow>(new CommandDefinition(
                    FiguresSql,
                    new { lo = Utc(plan.Lo), hi = Utc(plan.Hi), branch = request.Branch, @operator = request.Operator },
                    tx,
                    cancellationToken: ct)).ConfigureAwait(false)).ToList();
                var total = rows.Single(r => r.ByBranch == 1 && r.ByOperator == 1).Figures;
                var branches = rows.Where(r => r.ByBranch == 0)
                    .Select(r => new SummaryRow(r.BranchId, r.BranchId is null ? "" : names.GetValueOrDefault(r.BranchId, r.BranchId), r.Figures))
                    .OrderBy(r => r.Name, StringComparer.CurrentCulture).ToList();
                var operators = rows.Where(r => r.ByOperator == 0)
                    .Select(r => new SummaryRow(r.OperatorId, r.OperatorId ?? "", r.Figures))
                    .OrderBy(r => r.Name, StringComparer.Ordinal).ToList();
                return new ReportSummary(plan.Tenant ?? db.Scope.TenantId, plan.Zone, request, Scope(request, names), time.GetUtcNow(), total, branches, operators);
            },
            ct);

    /// <summary>The named branch, else the caller's own branches by name (null = every branch of the tenant).</summary>
    private SummaryScope Scope(SummaryRequest request, Dictionary<string, string> names) =>
        new(
            request.Branch,
            request.Branch is { } branch ? names[branch] : null,
            request.Branch is null && db.Scope.Branches is not null ? [.. names.Values.Order(StringComparer.CurrentCulture)] : null,
            request.Operator);

    private static DateTime Utc(DateTime value) => DateTime.SpecifyKind(value, DateTimeKind.Utc);
}
