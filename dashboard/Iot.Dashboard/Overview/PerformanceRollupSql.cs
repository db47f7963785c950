namespace Iot.Dashboard.Overview;

/// <summary>
/// The performance, checklist and hourly roll-ups (migration 0065) are recomputed by <see cref="OverviewRollup"/> in the
/// same (tenant, local day) buckets and transactions as <c>overview_rollup</c>, so they share its watermark and state and
/// the Performance/Trends reader (<c>Iot.Dashboard.Performance</c>) may trust them exactly when the overview trusts its
/// own rows. The per-dialogue facts are one fragment used by both the recompute and the reader's raw path, so the two
/// cannot drift apart.
/// </summary>
public static class PerformanceRollupSql
{
    /// <summary>
    /// Facts of one dialogue <c>d</c> and its analysis <c>a</c> (left-joined). {zone} is the SQL expression of the zone the
    /// hour is cut in. Flagged analyses (unsure transcript, migration 0053) count as not analysed, as on the overview.
    /// </summary>
    public static string Facts(string zone) => $"""
        d.branch_id, d.device_id, d.operator_id,
        extract(hour FROM d.started_at AT TIME ZONE {zone})::int AS hour,
        (a.dialogue_id IS NOT NULL AND a.low_confidence IS NULL) AS analysed,
        (a.low_confidence IS NOT NULL) AS flagged,
        coalesce(a.low_confidence IS NULL AND a.upsell_attempted, false) AS attempted,
        coalesce(a.low_confidence IS NULL AND a.upsell_attempted AND a.customer_reaction = 'accepted', false) AS accepted,
        CASE WHEN a.dialogue_id IS NOT NULL AND a.low_confidence IS NULL THEN a.quality_score ELSE 0 END AS quality,
        CASE WHEN a.dialogue_id IS NOT NULL AND a.low_confidence IS NULL AND jsonb_typeof(a.checklist) = 'array' THEN a.checklist ELSE '[]'::jsonb END AS checklist
        """;

    /// <summary>Checklist items of a facts row <c>f</c> (a lateral source): item id and whether it was met.</summary>
    public const string ChecklistItems = "jsonb_array_elements(f.checklist) AS i";

    public const string ItemId = "(i->>'itemId')";

    public const string ItemMet = "coalesce((i->>'met')::boolean, false)";

    internal const string DeleteTenants = """
        DELETE FROM performance_rollup WHERE tenant_id = ANY(@rebuild);
        DELETE FROM hourly_rollup WHERE tenant_id = ANY(@rebuild);
        """;

    /// <summary>
    /// Same parameters as the overview's recompute: @tenants, @days, @zones (one bucket per position). Rewrites the
    /// buckets' day rows at both grains, then the week rows of every week holding one of them from the day rows (a
    /// separate statement: it must see the day rows just written). Every lookup names both grains: the key index leads
    /// with (tenant, grain, week, day), and without the grain PostgreSQL scanned the tenant's whole roll-up per pass. A
    /// bucket's dialogues are one index range through a lateral kept apart by OFFSET 0: joined to the unnested buckets,
    /// PostgreSQL scanned every dialogue of every partition (9 s per batch at 1 M dialogues).
    /// </summary>
    internal static readonly string Recompute = $"""
        DELETE FROM performance_rollup r USING unnest(@tenants::text[], @days::date[]) AS b(tenant_id, day) WHERE r.tenant_id = b.tenant_id AND r.grain IN ('o', 'b') AND NOT r.week AND r.day = b.day;
        DELETE FROM hourly_rollup r USING unnest(@tenants::text[], @days::date[]) AS b(tenant_id, day) WHERE r.tenant_id = b.tenant_id AND r.day = b.day;
        WITH k AS (
            SELECT b.tenant_id, b.day, b.zone, b.day::timestamp AT TIME ZONE b.zone AS lo, (b.day + 1)::timestamp AT TIME ZONE b.zone AS hi
            FROM unnest(@tenants::text[], @days::date[], @zones::text[]) AS b(tenant_id, day, zone)),
        f AS MATERIALIZED (
            SELECT k.tenant_id, k.day, {Facts("k.zone")}
            FROM k CROSS JOIN LATERAL (
                SELECT * FROM dialogues d WHERE d.tenant_id = k.tenant_id AND d.deleted_at IS NULL AND d.started_at >= k.lo AND d.started_at < k.hi OFFSET 0) d
            LEFT JOIN analyses a ON a.dialogue_id = d.dialogue_id),
        m AS (
            SELECT tenant_id, day, branch_id, device_id, operator_id, CASE WHEN grouping(device_id, operator_id) = 0 THEN 'o' ELSE 'b' END AS grain,
                   count(*) AS dialogues, count(*) FILTER (WHERE analysed) AS analysed, count(*) FILTER (WHERE attempted) AS attempted,
                   count(*) FILTER (WHERE accepted) AS accepted, sum(quality) AS quality, count(*) FILTER (WHERE flagged) AS flagged
            FROM f GROUP BY GROUPING SETS ((tenant_id, day, branch_id, device_id, operator_id), (tenant_id, day, branch_id))),
        ci AS (
            SELECT tenant_id, day, branch_id, device_id, operator_id, CASE WHEN grouping(device_id, operator_id) = 0 THEN 'o' ELSE 'b' END AS grain,
                   item, count(*) AS checked, count(*) FILTER (WHERE met) AS met
            FROM (SELECT f.tenant_id, f.day, f.branch_id, f.device_id, f.operator_id, {ItemId} AS item, {ItemMet} AS met FROM f, {ChecklistItems}) x
            WHERE item IS NOT NULL
            GROUP BY GROUPING SETS ((tenant_id, day, branch_id, device_id, operator_id, item), (tenant_id, day, branch_id, item))),
        h AS (
            INSERT INTO hourly_rollup (tenant_id, branch_id, day, hour, dialogues, analysed, attempted)
            SELECT tenant_id, branch_id, day, hour, count(*), count(*) FILTER (WHERE analysed), count(*) FILTER (WHERE attempted)
            FROM f GROUP BY 1, 2, 3, 4)
        {Insert("false", "m", "ci")};
        DELETE FROM performance_rollup r USING (SELECT DISTINCT tenant_id, {Monday("day")} AS monday FROM unnest(@tenants::text[], @days::date[]) AS b(tenant_id, day)) w
        WHERE r.tenant_id = w.tenant_id AND r.grain IN ('o', 'b') AND r.week AND r.day = w.monday;
        WITH w AS (SELECT DISTINCT tenant_id, {Monday("day")} AS monday FROM unnest(@tenants::text[], @days::date[]) AS b(tenant_id, day)),
        r AS MATERIALIZED (
            SELECT r.tenant_id, w.monday, r.grain, r.branch_id, r.device_id, r.operator_id, r.dialogues, r.analysed, r.attempted, r.accepted,
                   r.quality, r.flagged, r.items, r.items_checked, r.items_met
            FROM w JOIN performance_rollup r ON r.tenant_id = w.tenant_id AND r.grain IN ('o', 'b') AND NOT r.week AND r.day >= w.monday AND r.day < w.monday + 7),
        m AS (
            SELECT tenant_id, monday AS day, branch_id, device_id, operator_id, grain, sum(dialogues) AS dialogues, sum(analysed) AS analysed,
                   sum(attempted) AS attempted, sum(accepted) AS accepted, sum(quality) AS quality, sum(flagged) AS flagged
            FROM r GROUP BY 1, 2, 3, 4, 5, 6),
        ci AS (
            SELECT tenant_id, monday AS day, branch_id, device_id, operator_id, grain, u.item, sum(u.checked) AS checked, sum(u.met) AS met
            FROM r, unnest(r.items, r.items_checked, r.items_met) AS u(item, checked, met) GROUP BY 1, 2, 3, 4, 5, 6, 7)
        {Insert("true", "m", "ci")};
        """;

    /// <summary>ISO week start (Monday) of a date expression.</summary>
    public static string Monday(string day) => $"({day} - (extract(isodow FROM {day})::int - 1))";

    /// <summary>
    /// INSERT of rows of measures CTE <paramref name="m"/> with their checklist items (CTE <paramref name="ci"/>: one row
    /// per key and item) folded into the sorted parallel arrays.
    /// </summary>
    private static string Insert(string week, string m, string ci) => $"""
        INSERT INTO performance_rollup (tenant_id, grain, week, day, branch_id, device_id, operator_id, dialogues, analysed, attempted, accepted, quality, flagged, items, items_checked, items_met)
        SELECT m.tenant_id, m.grain, {week}, m.day, m.branch_id, m.device_id, m.operator_id, m.dialogues, m.analysed, m.attempted, m.accepted, m.quality, m.flagged,
               coalesce(c.items, ARRAY[]::text[]), coalesce(c.checked, ARRAY[]::int[]), coalesce(c.met, ARRAY[]::int[])
        FROM {m} m LEFT JOIN (
            SELECT tenant_id, day, branch_id, device_id, operator_id, grain, array_agg(item ORDER BY item) AS items,
                   array_agg(checked::int ORDER BY item) AS checked, array_agg(met::int ORDER BY item) AS met
            FROM {ci} GROUP BY 1, 2, 3, 4, 5, 6) c
          ON c.tenant_id = m.tenant_id AND c.day = m.day AND c.grain = m.grain AND c.branch_id IS NOT DISTINCT FROM m.branch_id
             AND c.device_id IS NOT DISTINCT FROM m.device_id AND c.operator_id IS NOT DISTINCT FROM m.operator_id
        """;
}
