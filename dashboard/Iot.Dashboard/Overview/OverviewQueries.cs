using System.Globalization;
using Dapper;
using Iot.Dashboard.Data;
using Iot.Dashboard.Hosting;
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
    IReadOnlyList<QualityBucket> QualityDistribution);

/// <summary>Headline figures for a period; hours are counted in the tenant's time zone (tenant_settings.time_zone).</summary>
public sealed class OverviewQueries(TenantDb db, TimeProvider time, IOptions<DashboardOptions> options)
{
    public Task<OverviewKpis> GetAsync(DateTimeOffset? from, DateTimeOffset? to, CancellationToken ct)
    {
        var end = to ?? time.GetUtcNow();
        var start = from ?? end.AddDays(-7);
        var onlineSince = time.GetUtcNow().AddSeconds(-options.Value.OnlineWindowSeconds);
        return db.RunAsync(
            async (c, tx) =>
            {
                // One pass over the period's dialogues (materialised once), every figure derived from it.
                var rows = (await c.QueryAsync<(string Kind, string? Key, long N, double? Upsell, double? Quality)>(new CommandDefinition(
                    """
                    WITH tz AS (SELECT coalesce((SELECT time_zone FROM tenant_settings), 'Etc/UTC') AS name),
                    w AS MATERIALIZED (
                        SELECT extract(hour FROM d.started_at AT TIME ZONE (SELECT name FROM tz))::int AS hour,
                               a.dialogue_id IS NOT NULL AS analysed, a.upsell_attempted, a.quality_score, a.offered_categories
                        FROM dialogues d
                        -- LIMIT 1 keeps this a per-dialogue index lookup: a hash join would read every analysis of the tenant.
                        LEFT JOIN LATERAL (SELECT x.dialogue_id, x.upsell_attempted, x.quality_score, x.offered_categories
                                           FROM analyses x WHERE x.dialogue_id = d.dialogue_id LIMIT 1) a ON true
                        WHERE d.deleted_at IS NULL AND d.started_at >= @start AND d.started_at < @end)
                    SELECT 'tz', (SELECT name FROM tz), 0::bigint, NULL::float8, NULL::float8
                    UNION ALL SELECT 'total', NULL, count(*), avg(upsell_attempted::int)::float8, avg(quality_score)::float8 FROM w
                    UNION ALL SELECT 'analysed', NULL, count(*), NULL, NULL FROM w WHERE analysed
                    UNION ALL SELECT 'hour', hour::text, count(*), NULL, NULL FROM w GROUP BY hour
                    UNION ALL (SELECT 'category', cat, count(*), NULL, NULL FROM w, unnest(w.offered_categories) AS cat GROUP BY cat ORDER BY count(*) DESC, cat LIMIT 5)
                    UNION ALL SELECT 'quality', least(quality_score / 10, 9)::text, count(*), NULL, NULL FROM w WHERE quality_score IS NOT NULL GROUP BY 2
                    """,
                    new { start, end },
                    tx,
                    cancellationToken: ct)).ConfigureAwait(false)).ToList();
                var devices = await c.QuerySingleAsync<(long All, long Online)>(new CommandDefinition(
                    "SELECT count(*), count(*) FILTER (WHERE last_seen_at >= @onlineSince) FROM devices WHERE revoked_at IS NULL",
                    new { onlineSince },
                    tx,
                    cancellationToken: ct)).ConfigureAwait(false);
                var total = rows.Single(r => r.Kind == "total");
                Dictionary<int, int> Counts(string kind) => rows.Where(r => r.Kind == kind).ToDictionary(r => int.Parse(r.Key!, CultureInfo.InvariantCulture), r => (int)r.N);
                var byHour = Counts("hour");
                var byBucket = Counts("quality");
                return new OverviewKpis(
                    start,
                    end,
                    rows.Single(r => r.Kind == "tz").Key!,
                    (int)total.N,
                    (int)(rows.SingleOrDefault(r => r.Kind == "analysed").N),
                    total.Upsell,
                    total.Quality,
                    (int)devices.All,
                    (int)devices.Online,
                    Enumerable.Range(0, 24).Select(h => new HourCount(h, byHour.GetValueOrDefault(h))).ToList(),
                    rows.Where(r => r.Kind == "category").OrderByDescending(r => r.N).ThenBy(r => r.Key, StringComparer.Ordinal).Select(r => new CategoryCount(r.Key!, (int)r.N)).ToList(),
                    Enumerable.Range(0, 10).Select(b => new QualityBucket(b * 10, b == 9 ? 100 : (b * 10) + 9, byBucket.GetValueOrDefault(b))).ToList());
            },
            ct);
    }
}
