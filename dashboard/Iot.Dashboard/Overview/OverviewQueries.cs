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
    /// <summary>
    /// Two index range scans, no join: dialogues for counts and hours, analyses (which carry their dialogue's start and
    /// deletion, migration 0021) for the analysis figures. The started_at range also prunes dialogues to the months of
    /// the period (monthly partitions, migration 0041).
    /// </summary>
    internal const string KpiSql =
    """
    WITH tz AS (SELECT coalesce((SELECT time_zone FROM tenant_settings), 'Etc/UTC') AS name),
    d AS MATERIALIZED (
        SELECT extract(hour FROM started_at AT TIME ZONE (SELECT name FROM tz))::int AS hour FROM dialogues
        WHERE deleted_at IS NULL AND started_at >= @start AND started_at < @end),
    a AS MATERIALIZED (
        SELECT upsell_attempted, quality_score, offered_categories FROM analyses
        WHERE NOT dialogue_deleted AND dialogue_started_at >= @start AND dialogue_started_at < @end)
    SELECT 'tz', (SELECT name FROM tz), 0::bigint, NULL::float8, NULL::float8
    UNION ALL SELECT 'total', NULL, count(*), NULL, NULL FROM d
    UNION ALL SELECT 'analysed', NULL, count(*), avg(upsell_attempted::int)::float8, avg(quality_score)::float8 FROM a
    UNION ALL SELECT 'hour', hour::text, count(*), NULL, NULL FROM d GROUP BY hour
    UNION ALL (SELECT 'category', cat, count(*), NULL, NULL FROM a, unnest(a.offered_categories) AS cat WHERE cardinality(a.offered_categories) > 0 GROUP BY cat ORDER BY count(*) DESC, cat LIMIT 5)
    UNION ALL SELECT 'quality', least(quality_score / 10, 9)::text, count(*), NULL, NULL FROM a GROUP BY 2
    """;

    public Task<OverviewKpis> GetAsync(DateTimeOffset? from, DateTimeOffset? to, CancellationToken ct)
    {
        var end = to ?? time.GetUtcNow();
        var start = from ?? end.AddDays(-7);
        var onlineSince = time.GetUtcNow().AddSeconds(-options.Value.OnlineWindowSeconds);
        return db.RunAsync(
            async (c, tx) =>
            {
                var rows = (await c.QueryAsync<(string Kind, string? Key, long N, double? Upsell, double? Quality)>(new CommandDefinition(
                    KpiSql,
                    new { start, end },
                    tx,
                    cancellationToken: ct)).ConfigureAwait(false)).ToList();
                var devices = await c.QuerySingleAsync<(long All, long Online)>(new CommandDefinition(
                    "SELECT count(*), count(*) FILTER (WHERE last_seen_at >= @onlineSince) FROM devices WHERE revoked_at IS NULL",
                    new { onlineSince },
                    tx,
                    cancellationToken: ct)).ConfigureAwait(false);
                var total = rows.Single(r => r.Kind == "total");
                var analysed = rows.Single(r => r.Kind == "analysed");
                Dictionary<int, int> Counts(string kind) => rows.Where(r => r.Kind == kind).ToDictionary(r => int.Parse(r.Key!, CultureInfo.InvariantCulture), r => (int)r.N);
                var byHour = Counts("hour");
                var byBucket = Counts("quality");
                return new OverviewKpis(
                    start,
                    end,
                    rows.Single(r => r.Kind == "tz").Key!,
                    (int)total.N,
                    (int)analysed.N,
                    analysed.Upsell,
                    analysed.Quality,
                    (int)devices.All,
                    (int)devices.Online,
                    Enumerable.Range(0, 24).Select(h => new HourCount(h, byHour.GetValueOrDefault(h))).ToList(),
                    rows.Where(r => r.Kind == "category").OrderByDescending(r => r.N).ThenBy(r => r.Key, StringComparer.Ordinal).Select(r => new CategoryCount(r.Key!, (int)r.N)).ToList(),
                    Enumerable.Range(0, 10).Select(b => new QualityBucket(b * 10, b == 9 ? 100 : (b * 10) + 9, byBucket.GetValueOrDefault(b))).ToList());
            },
            ct);
    }
}
