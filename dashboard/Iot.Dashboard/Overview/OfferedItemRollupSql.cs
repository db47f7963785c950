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
    /// One row per offer of analyses <c>a</c>: dialogue_id, branch_id, normalised item, category, reaction (and with
    /// <paramref name="device"/>, the dialogue <c>d</c>'s device_id and operator_id: <paramref name="analyses"/> must then
    /// join it). Unflagged analyses of dialogues not deleted; offers whose words normalise to nothing are left out.
    /// </summary>
    public static string Offers(string analyses, bool device = false) => $"""
        SELECT a.dialogue_id, a.branch_id,{(device ? " d.device_id, d.operator_id," : "")} {OfferedItemSql.Normalise("o->>'item'")} AS item, coalesce(o->>'category', '') AS category, o->>'reaction' AS reaction
        FROM {analyses} CROSS JOIN LATERAL jsonb_array_elements(a.offered_items) o
        WHERE a.offered_items <> '[]'::jsonb AND NOT a.dialogue_deleted AND a.low_confidence IS NULL
        """;

    internal const string DeleteTenants = "DELETE FROM offered_item_rollup WHERE tenant_id = ANY(@rebuild);";

    /// <summary>
    /// Same parameters as the overview's recompute: @tenants, @days, @zones. Both grains of migration 0069 in one
    /// grouping: 'o' per branch, device and operator, 'b' per branch. OFFSET 0 keeps each bucket's analyses one index
    /// range: flattened, PostgreSQL hashed the buckets and scanned all of analyses (6 s per batch at 1 M dialogues).
    /// </summary>
    internal static readonly string Recompute = $"""
        DELETE FROM offered_item_rollup r USING unnest(@tenants::text[], @days::date[]) AS b(tenant_id, day)
        WHERE r.tenant_id = b.tenant_id AND r.grain IN ('o', 'b') AND r.day = b.day;
        WITH k AS (
            SELECT b.tenant_id, b.day, b.day::timestamp AT TIME ZONE b.zone AS lo, (b.day + 1)::timestamp AT TIME ZONE b.zone AS hi
            FROM unnest(@tenants::text[], @days::date[], @zones::text[]) AS b(tenant_id, day, zone)),
        o AS MATERIALIZED (
            SELECT k.tenant_id, k.day, o.*
            FROM k CROSS JOIN LATERAL ({Offers("analyses a " + OpportunityQueries.DialogueJoin, device: true)} AND a.tenant_id = k.tenant_id AND a.dialogue_started_at >= k.lo AND a.dialogue_started_at < k.hi OFFSET 0) o
            WHERE o.item <> '')
        INSERT INTO offered_item_rollup (tenant_id, grain, day, branch_id, device_id, operator_id, item, category, offered, dialogues, accepted, declined)
        SELECT tenant_id, CASE WHEN grouping(device_id, operator_id) = 0 THEN 'o' ELSE 'b' END, day, branch_id, device_id, operator_id, item, category,
               count(*), count(DISTINCT dialogue_id), count(*) FILTER (WHERE reaction = 'accepted'), count(*) FILTER (WHERE reaction = 'declined')
        FROM o
        GROUP BY GROUPING SETS ((tenant_id, day, branch_id, device_id, operator_id, item, category), (tenant_id, day, branch_id, item, category));
        """;
}
