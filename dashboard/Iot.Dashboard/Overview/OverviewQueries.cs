using System.Globalization;
using Dapper;
using Iot.Dashboard.Data;
using Iot.Dashboard.Hosting;
using Iot.Dashboard.Reviews;
using Microsoft.Extensions.Options;

namespace Iot.Dashboard.Overview;

public sealed record HourCount(int Hour, int Dialogues);

public sealed record CategoryCount(string Category, int Dialogues);

public sealed record QualityBucket(int From, int To, int Dialogues);

public sealed record OverviewKpis(
    DateTimeOffset From,
    DateTimeOffset To,
    string TimeZone,
    int Dialogues,
    int Analyzed,
    double? UpsellRate,
    double? AverageQuality,
    int Devices,
    int DevicesOnline,
    IReadOnlyList<HourCount> HourlyActivity,
    IReadOnlyList<CategoryCount> TopCategories,
    IReadOnlyList<QualityBucket> QualityDistribution,
    ReviewAgreement ReviewerAgreement,
    int LeftOutUnsure = 0);

/// <summary>
/// Headline figures for a period; hours are counted in the tenant's time zone (tenant_settings.time_zone). Whole local
/// days come from the daily roll-up (<see cref="OverviewRollup"/>) when it is cut in the tenant's current zone; the
/// partial days at both edges, today, and every day with a dialogue changed since the roll-up last ran are read raw, so
/// the figures equal a raw count of the whole period. Analyses of flagged transcripts (low recogniser confidence, a
/// language nobody there speaks; migration 0053) are left out of every figure and counted as <see cref="OverviewKpis.LeftOutUnsure"/>.
/// </summary>
public sealed class OverviewQueries(TenantDb db, TimeProvider time, IOptions<DashboardOptions> options)
{
    /// <summary>
    /// Raw figures over the period's ranges plus roll-up rows for its clean whole days. Every raw range lies inside
    /// [@start, @end); repeating that bound as a plain predicate lets PostgreSQL prune dialogues to the period's months
    /// at plan time (monthly partitions, migration 0041), which a join on the range list alone would not.
    /// </summary>
    internal const string KpiSql =
    """
    WITH r AS (SELECT * FROM unnest(@los::timestamptz[], @his::timestamptz[]) AS r(lo, hi)),
    d AS MATERIALIZED (
        SELECT extract(hour FROM d.started_at AT TIME ZONE @zone)::int AS hour FROM r JOIN dialogues d
        ON d.deleted_at IS NULL AND d.started_at >= r.lo AND d.started_at < r.hi
        WHERE d.started_at >= @start AND d.started_at < @end),
    a AS MATERIALIZED (
        SELECT a.upsell_attempted, a.quality_score, a.offered_categories, a.low_confidence IS NOT NULL AS flagged FROM r JOIN analyses a
        ON NOT a.dialogue_deleted AND a.dialogue_started_at >= r.lo AND a.dialogue_started_at < r.hi
        WHERE a.dialogue_started_at >= @start AND a.dialogue_started_at < @end)
    SELECT kind, key, sum(n)::bigint, sum(upsell)::bigint, sum(quality)::bigint FROM (
        SELECT 'total' AS kind, '' AS key, count(*) AS n, 0::bigint AS upsell, 0::bigint AS quality FROM d
        UNION ALL SELECT 'analysed', '', count(*) FILTER (WHERE NOT flagged), count(*) FILTER (WHERE upsell_attempted AND NOT flagged),
            coalesce(sum(quality_score) FILTER (WHERE NOT flagged), 0) FROM a
        UNION ALL SELECT 'flagged', '', count(*) FILTER (WHERE flagged), 0, 0 FROM a
        UNION ALL SELECT 'hour', hour::text, count(*), 0, 0 FROM d GROUP BY hour
        UNION ALL SELECT 'category', cat, count(*), 0, 0 FROM a, unnest(a.offered_categories) AS cat WHERE NOT flagged GROUP BY cat
        UNION ALL SELECT 'quality', least(quality_score / 10, 9)::text, count(*), 0, 0 FROM a WHERE NOT flagged GROUP BY 2
        UNION ALL SELECT kind, key, n, upsell, quality FROM overview_rollup
            WHERE @useRollup AND day >= @firstDay::date AND day < @endDay::date AND NOT (day = ANY(@dirty::date[]))) x
    GROUP BY kind, key
    """;

    public async Task<OverviewKpis> GetAsync(DateTimeOffset? from, DateTimeOffset? to, CancellationToken ct) =>
        (await ComputeAsync(from, to, useRollup: true, ct).ConfigureAwait(false)).Kpis;

    /// <summary>Also says how many days came from the roll-up (tests compare both paths).</summary>
    internal Task<(OverviewKpis Kpis, int RollupDays)> ComputeAsync(DateTimeOffset? from, DateTimeOffset? to, bool useRollup, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var end = to ?? now;
        var start = from ?? end.AddDays(-7);
        var onlineSince = now.AddSeconds(-options.Value.OnlineWindowSeconds);
        return db.RunAsync(
            async (c, tx) =>
            {
                // The period's whole local days before today, and whether the roll-up may serve them.
                var plan = await c.QuerySingleAsync<(string Zone, DateTime FirstDay, DateTime EndDay, DateTime WholeStart, DateTime WholeEnd, bool Ready, DateTime? Watermark)>(new CommandDefinition(
                    """
                    WITH tz AS (SELECT coalesce((SELECT time_zone FROM tenant_settings), 'Etc/UTC') AS zone),
                    b AS (SELECT zone, (@start AT TIME ZONE zone)::date + CASE WHEN (@start AT TIME ZONE zone)::time = '00:00' THEN 0 ELSE 1 END AS first_day,
                                 least((@end AT TIME ZONE zone)::date, (@now AT TIME ZONE zone)::date) AS end_day FROM tz)
                    SELECT zone, first_day::timestamp, end_day::timestamp, first_day::timestamp AT TIME ZONE zone, end_day::timestamp AT TIME ZONE zone,
                           EXISTS (SELECT 1 FROM overview_rollup_state s WHERE s.time_zone = b.zone),
                           (SELECT watermark FROM overview_rollup_state s WHERE s.time_zone = b.zone)
                    FROM b
                    """,
                    new { start = start.UtcDateTime, end = end.UtcDateTime, now = now.UtcDateTime },
                    tx,
                    cancellationToken: ct)).ConfigureAwait(false);
                var ranges = new List<(DateTimeOffset Lo, DateTimeOffset Hi)>();
                var dirty = new List<DateTime>();
                var rollupDays = 0;
                if (useRollup && plan.Ready && plan.FirstDay < plan.EndDay)
                {
                    // Days holding a dialogue changed after the roll-up's last pass: their rows may be stale, read them raw.
                    var changed = await c.QueryAsync<(DateTime Day, DateTime Lo, DateTime Hi)>(new CommandDefinition(
                        """
                        SELECT day::timestamp, day::timestamp AT TIME ZONE @zone, (day + 1)::timestamp AT TIME ZONE @zone
                        FROM (SELECT DISTINCT (started_at AT TIME ZONE @zone)::date AS day FROM dialogues WHERE updated_at > coalesce(@watermark::timestamptz, '-infinity')) x
                        WHERE day >= @firstDay::date AND day < @endDay::date
                        """,
                        new { zone = plan.Zone, watermark = plan.Watermark, firstDay = plan.FirstDay, endDay = plan.EndDay },
                        tx,
                        cancellationToken: ct)).ConfigureAwait(false);
                    foreach (var day in changed)
                    {
                        dirty.Add(day.Day);
                        ranges.Add((Utc(day.Lo), Utc(day.Hi)));
                    }

                    ranges.Add((start, Utc(plan.WholeStart)));
                    ranges.Add((Utc(plan.WholeEnd), end));
                    rollupDays = (int)(plan.EndDay - plan.FirstDay).TotalDays - dirty.Count;
                }
                else
                {
                    ranges.Add((start, end));
                }

                ranges.RemoveAll(r => r.Lo >= r.Hi);
                var rows = (await c.QueryAsync<(string Kind, string Key, long N, long Upsell, long Quality)>(new CommandDefinition(
                    KpiSql,
                    new
                    {
                        los = ranges.Select(r => r.Lo.UtcDateTime).ToArray(),
                        his = ranges.Select(r => r.Hi.UtcDateTime).ToArray(),
                        zone = plan.Zone,
                        useRollup = rollupDays > 0,
                        firstDay = plan.FirstDay,
                        endDay = plan.EndDay,
                        dirty = dirty.ToArray(),
                        start = start.UtcDateTime,
                        end = end.UtcDateTime,
                    },
                    tx,
                    cancellationToken: ct)).ConfigureAwait(false)).ToList();
                var devices = await c.QuerySingleAsync<(long All, long Online)>(new CommandDefinition(
                    "SELECT count(*), count(*) FILTER (WHERE last_seen_at >= @onlineSince) FROM devices WHERE revoked_at IS NULL",
                    new { onlineSince },
                    tx,
                    cancellationToken: ct)).ConfigureAwait(false);
                var agreement = await ReviewAgreementQuery.ReadAsync(c, tx, start, end, ct).ConfigureAwait(false);
                var total = rows.Single(r => r.Kind == "total");
                var analysed = rows.Single(r => r.Kind == "analysed");
                Dictionary<int, int> Counts(string kind) => rows.Where(r => r.Kind == kind).ToDictionary(r => int.Parse(r.Key, CultureInfo.InvariantCulture), r => (int)r.N);
                var byHour = Counts("hour");
                var byBucket = Counts("quality");
                var kpis = new OverviewKpis(
                    start,
                    end,
                    plan.Zone,
                    (int)total.N,
                    (int)analysed.N,
                    analysed.N == 0 ? null : (double)analysed.Upsell / analysed.N,
                    analysed.N == 0 ? null : (double)analysed.Quality / analysed.N,
                    (int)devices.All,
                    (int)devices.Online,
                    Enumerable.Range(0, 24).Select(h => new HourCount(h, byHour.GetValueOrDefault(h))).ToList(),
                    rows.Where(r => r.Kind == "category" && r.N > 0).OrderByDescending(r => r.N).ThenBy(r => r.Key, StringComparer.Ordinal).Take(5).Select(r => new CategoryCount(r.Key, (int)r.N)).ToList(),
                    Enumerable.Range(0, 10).Select(b => new QualityBucket(b * 10, b == 9 ? 100 : (b * 10) + 9, byBucket.GetValueOrDefault(b))).ToList(),
                    agreement,
                    (int)rows.Where(r => r.Kind == "flagged").Sum(r => r.N));
                return (kpis, rollupDays);
            },
            ct);
    }

    private static DateTimeOffset Utc(DateTime utc) => new(DateTime.SpecifyKind(utc, DateTimeKind.Utc));
}
