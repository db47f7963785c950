using Iot.Dashboard.Overview;

namespace Iot.Dashboard.Performance;

/// <summary>
/// SQL that reads a period's facts from the roll-ups for clean days and from the raw tables for the plan's raw days
/// (<see cref="RollupPlan"/>), at the roll-ups' grain, so the caller groups one union. Only fixed fragments are joined;
/// filter values travel as parameters (@branch, @device).
/// </summary>
internal static class RollupSource
{
    /// <summary>
    /// CTE <c>f</c>: one row per raw dialogue with its local <c>day</c> and the facts of <see cref="PerformanceRollupSql.Facts"/>.
    /// The laterals (kept apart by OFFSET 0) make PostgreSQL read only the raw days' dialogues by index and look up their
    /// analyses by key; as a plain join it joined the whole period's dialogues to their analyses before dropping the
    /// clean days (200 ms for 90 days at the bench's size).
    /// </summary>
    public static string RawFacts(string? branch, string? device) => $"""
        runs AS (SELECT r.f::timestamp AT TIME ZONE @zone AS lo, r.e::timestamp AT TIME ZONE @zone AS hi FROM unnest(@runFirsts::date[], @runEnds::date[]) AS r(f, e)),
        f AS MATERIALIZED (
            SELECT (d.started_at AT TIME ZONE @zone)::date AS day, {PerformanceRollupSql.Facts("@zone")}
            FROM runs r
            CROSS JOIN LATERAL (
                SELECT * FROM dialogues d WHERE d.deleted_at IS NULL AND d.started_at >= r.lo AND d.started_at < r.hi
                AND d.started_at >= @start AND d.started_at < @end{(branch is null ? "" : " AND d.branch_id = @branch")}{(device is null ? "" : " AND d.device_id = @device")}
                OFFSET 0) d
            LEFT JOIN LATERAL (SELECT * FROM analyses a WHERE a.dialogue_id = d.dialogue_id OFFSET 0) a ON true)
        """;

    /// <summary>Roll-up rows of the clean days of [@first, @last] (plus the filters).</summary>
    public static string CleanDays(string? branch, string? device) =>
        "day >= @first::date AND day <= @last::date AND NOT (day = ANY(@rawDays::date[]))" + Filters(branch, device);

    private static string Filters(string? branch, string? device) =>
        (branch is null ? "" : " AND branch_id = @branch") + (device is null ? "" : " AND device_id = @device");

    /// <summary>
    /// The <c>performance_rollup</c> rows of grain <paramref name="grain"/> ('o' per operator and device, 'b' per branch)
    /// that cover the plan's clean days: week rows for @weeks (<see cref="RollupPlan.Weeks"/>), day rows for the other
    /// clean days (@dayRows). Both by key lists, not one range with an exclusion, so the index reads only the rows used:
    /// at operator grain a 90-day range read about 18,000 day rows to keep the 1,200 outside whole weeks.
    /// </summary>
    public static string RollupRows(char grain, string? branch, string? device) => $"""
        SELECT day, branch_id, device_id, operator_id, dialogues, analysed, attempted, accepted, quality, flagged, items, items_checked, items_met
        FROM performance_rollup WHERE grain = '{grain}' AND NOT week AND day = ANY(@dayRows::date[]){Filters(branch, device)}
        UNION ALL
        SELECT day, branch_id, device_id, operator_id, dialogues, analysed, attempted, accepted, quality, flagged, items, items_checked, items_met
        FROM performance_rollup WHERE grain = '{grain}' AND week AND day = ANY(@weeks::date[]){Filters(branch, device)}
        """;

    /// <summary>
    /// Sums per (<paramref name="current"/>, <paramref name="key"/>): kind 'm' rows carry dialogues, analysed, attempted,
    /// accepted, quality, flagged; kind 'c' rows carry an item with checked and met (in the first two sums). Week rows
    /// stand on their Monday, so <paramref name="key"/> and <paramref name="current"/> must not split a week the plan
    /// reads as one (<see cref="RollupPlan.UseWeeks"/>). The item arrays are unnested in the select list (equal lengths,
    /// so in lockstep): a function scan in FROM builds a tuple store per row and took 1.5-3 times as long (a 90-day
    /// operator period unnests ~6,000 rows per period).
    /// </summary>
    public static string Aggregate(string key, string current, char grain, string? branch, string? device) => $"""
        WITH {RawFacts(branch, device)},
        r AS MATERIALIZED ({RollupRows(grain, branch, device)}),
        x AS (
            SELECT day, branch_id, device_id, operator_id, 1 AS dialogues, analysed::int AS analysed, attempted::int AS attempted,
                   accepted::int AS accepted, quality::bigint AS quality, flagged::int AS flagged FROM f
            UNION ALL
            SELECT day, branch_id, device_id, operator_id, dialogues, analysed, attempted, accepted, quality, flagged FROM r),
        y AS (
            SELECT day, branch_id, device_id, operator_id, {PerformanceRollupSql.ItemId} AS item_id, 1 AS checked, ({PerformanceRollupSql.ItemMet})::int AS met
            FROM f, {PerformanceRollupSql.ChecklistItems} WHERE {PerformanceRollupSql.ItemId} IS NOT NULL
            UNION ALL
            SELECT day, branch_id, device_id, operator_id, unnest(r.items) AS item_id, unnest(r.items_checked) AS checked, unnest(r.items_met) AS met FROM r)
        SELECT 'm' AS Kind, {current} AS Current, ({key})::text AS Key, NULL::text AS Item, sum(dialogues)::bigint AS A, sum(analysed)::bigint AS B,
               sum(attempted)::bigint AS C, sum(accepted)::bigint AS D, sum(quality)::bigint AS E, sum(flagged)::bigint AS F
        FROM x GROUP BY 2, 3
        UNION ALL
        SELECT 'c', {current}, ({key})::text, item_id, sum(checked)::bigint, sum(met)::bigint, 0, 0, 0, 0 FROM y GROUP BY 2, 3, 4
        """;

    /// <summary>Hour x weekday sums; from hourly_rollup (branch grain) unless a device filter makes every day raw.</summary>
    public static string Heat(string? branch, string? device) => $"""
        WITH {RawFacts(branch, device)},
        x AS (
            SELECT day, hour, 1 AS dialogues, analysed::int AS analysed, attempted::int AS attempted FROM f
            UNION ALL
            SELECT day, hour, dialogues, analysed, attempted FROM hourly_rollup WHERE {(device is null ? CleanDays(branch, null) : "false")})
        SELECT extract(isodow FROM day)::int AS Weekday, hour::int AS Hour, sum(dialogues)::bigint AS Dialogues, sum(analysed)::bigint AS Analysed, sum(attempted)::bigint AS Attempted
        FROM x GROUP BY 1, 2
        """;

    public sealed record AggregateRow(string Kind, bool Current, string? Key, string? Item, long A, long B, long C, long D, long E, long F)
    {
        public Measures ToMeasures() => new((int)A, (int)B, (int)C, (int)D, E, (int)F);
    }
}
