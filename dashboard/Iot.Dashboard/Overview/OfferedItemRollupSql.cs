using Iot.Dashboard.Opportunities;

namespace Iot.Dashboard.Overview;

/// <summary>
/// <c>offered_item_rollup</c> (migration 0067), recomputed by <see cref="OverviewRollup"/> in the same (tenant, local
/// day) buckets and transactions as the other roll-ups, from the same per-offer fragment the Opportunities reader uses
/// for its raw days (<see cref="Offers"/>), so the two paths count alike.
/// </summary>
public static class OfferedItemRollupSql
{
    /// <summary>
    /// One row per offer of analyses <c>a</c>: dialogue_id, branch_id, normalised item, category, reaction. Unflagged
    /// analyses of dialogues not deleted; offers whose words normalise to nothing are left out.
    /// </summary>
    public static string Offers(string analyses) => $"""
        SELECT a.dialogue_id, a.branch_id, {OfferedItemSql.Normalise("o->>'item'")} AS item, coalesce(o->>'category', '') AS category, o->>'reaction' AS reaction
        FROM {analyses} CROSS JOIN LATERAL jsonb_array_elements(a.offered_items) o
        WHERE a.offered_items <> '[]'::jsonb AND NOT a.dialogue_deleted AND a.low_confidence IS NULL
        """;

    internal const string DeleteTenants = "DELETE FROM offered_item_rollup WHERE tenant_id = ANY(@rebuild);";

    /// <summary>Same parameters as the overview's recompute: @tenants, @days, @zones.</summary>
    internal static readonly string Recompute = $"""
        DELETE FROM offered_item_rollup r USING unnest(@tenants::text[], @days::date[]) AS b(tenant_id, day) WHERE r.tenant_id = b.tenant_id AND r.day = b.day;
        WITH k AS (
            SELECT b.tenant_id, b.day, b.day::timestamp AT TIME ZONE b.zone AS lo, (b.day + 1)::timestamp AT TIME ZONE b.zone AS hi
            FROM unnest(@tenants::text[], @days::date[], @zones::text[]) AS b(tenant_id, day, zone))
        INSERT INTO offered_item_rollup (tenant_id, day, branch_id, item, category, offered, dialogues, accepted, declined)
        SELECT k.tenant_id, k.day, o.branch_id, o.item, o.category, count(*), count(DISTINCT o.dialogue_id),
               count(*) FILTER (WHERE o.reaction = 'accepted'), count(*) FILTER (WHERE o.reaction = 'declined')
        FROM k CROSS JOIN LATERAL ({Offers("analyses a")} AND a.tenant_id = k.tenant_id AND a.dialogue_started_at >= k.lo AND a.dialogue_started_at < k.hi) o
        WHERE o.item <> ''
        GROUP BY 1, 2, 3, 4, 5;
        """;
}
