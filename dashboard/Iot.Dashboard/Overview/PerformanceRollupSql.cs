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
        DELETE FROM checklist_rollup WHERE tenant_id = ANY(@rebuild);
        DELETE FROM hourly_rollup WHERE tenant_id = ANY(@rebuild);
        """;

    /// <summary>Same parameters as the overview's recompute: @tenants, @days, @zones (one bucket per position).</summary>
    internal static readonly string Recompute = $"""
        DELETE FROM performance_rollup r USING unnest(@tenants::text[], @days::date[]) AS b(tenant_id, day) WHERE r.tenant_id = b.tenant_id AND r.day = b.day;
        DELETE FROM checklist_rollup r USING unnest(@tenants::text[], @days::date[]) AS b(tenant_id, day) WHERE r.tenant_id = b.tenant_id AND r.day = b.day;
        DELETE FROM hourly_rollup r USING unnest(@tenants::text[], @days::date[]) AS b(tenant_id, day) WHERE r.tenant_id = b.tenant_id AND r.day = b.day;
        WITH k AS (
            SELECT b.tenant_id, b.day, b.zone, b.day::timestamp AT TIME ZONE b.zone AS lo, (b.day + 1)::timestamp AT TIME ZONE b.zone AS hi
            FROM unnest(@tenants::text[], @days::date[], @zones::text[]) AS b(tenant_id, day, zone)),
        f AS MATERIALIZED (
            SELECT k.tenant_id, k.day, {Facts("k.zone")}
            FROM k JOIN dialogues d ON d.tenant_id = k.tenant_id AND d.deleted_at IS NULL AND d.started_at >= k.lo AND d.started_at < k.hi
            LEFT JOIN analyses a ON a.dialogue_id = d.dialogue_id),
        p AS (
            INSERT INTO performance_rollup (tenant_id, branch_id, device_id, operator_id, day, dialogues, analysed, attempted, accepted, quality, flagged)
            SELECT tenant_id, branch_id, device_id, operator_id, day, count(*), count(*) FILTER (WHERE analysed), count(*) FILTER (WHERE attempted),
                   count(*) FILTER (WHERE accepted), sum(quality), count(*) FILTER (WHERE flagged)
            FROM f GROUP BY 1, 2, 3, 4, 5),
        h AS (
            INSERT INTO hourly_rollup (tenant_id, branch_id, day, hour, dialogues, analysed, attempted)
            SELECT tenant_id, branch_id, day, hour, count(*), count(*) FILTER (WHERE analysed), count(*) FILTER (WHERE attempted)
            FROM f GROUP BY 1, 2, 3, 4)
        INSERT INTO checklist_rollup (tenant_id, branch_id, device_id, operator_id, day, item_id, checked, met)
        SELECT tenant_id, branch_id, device_id, operator_id, day, {ItemId}, count(*), count(*) FILTER (WHERE {ItemMet})
        FROM f, {ChecklistItems} WHERE {ItemId} IS NOT NULL GROUP BY 1, 2, 3, 4, 5, 6;
        """;
}
