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
        var args = new { start, end, onlineSince };
        return db.RunAsync(
            async (c, tx) =>
            {
                CommandDefinition Cmd(string sql, object? a = null) => new(sql, a ?? args, tx, cancellationToken: ct);
                var tz = await c.ExecuteScalarAsync<string?>(Cmd("SELECT time_zone FROM tenant_settings")).ConfigureAwait(false) ?? "Etc/UTC";
                var totals = await c.QuerySingleAsync<(long Dialogues, long Analyzed, double? Upsell, double? Quality)>(Cmd(
                    """
                    SELECT count(*), count(a.dialogue_id), avg(a.upsell_attempted::int)::float8, avg(a.quality_score)::float8
                    FROM dialogues d LEFT JOIN analyses a ON a.dialogue_id = d.dialogue_id
                    WHERE d.deleted_at IS NULL AND d.started_at >= @start AND d.started_at < @end
                    """)).ConfigureAwait(false);
                var devices = await c.QuerySingleAsync<(long All, long Online)>(Cmd(
                    "SELECT count(*), count(*) FILTER (WHERE last_seen_at >= @onlineSince) FROM devices WHERE revoked_at IS NULL")).ConfigureAwait(false);
                var hours = await c.QueryAsync<(int Hour, long Count)>(Cmd(
                    """
                    SELECT extract(hour FROM d.started_at AT TIME ZONE @tz)::int, count(*)
                    FROM dialogues d WHERE d.deleted_at IS NULL AND d.started_at >= @start AND d.started_at < @end
                    GROUP BY 1
                    """,
                    new { start, end, tz })).ConfigureAwait(false);
                var categories = await c.QueryAsync<(string Category, long Count)>(Cmd(
                    """
                    SELECT cat, count(*) FROM dialogues d JOIN analyses a ON a.dialogue_id = d.dialogue_id, unnest(a.offered_categories) AS cat
                    WHERE d.deleted_at IS NULL AND d.started_at >= @start AND d.started_at < @end
                    GROUP BY cat ORDER BY count(*) DESC, cat LIMIT 5
                    """)).ConfigureAwait(false);
                var buckets = await c.QueryAsync<(int Bucket, long Count)>(Cmd(
                    """
                    SELECT least(a.quality_score / 10, 9), count(*) FROM dialogues d JOIN analyses a ON a.dialogue_id = d.dialogue_id
                    WHERE d.deleted_at IS NULL AND d.started_at >= @start AND d.started_at < @end
                    GROUP BY 1
                    """)).ConfigureAwait(false);
                var byHour = hours.ToDictionary(h => h.Hour, h => (int)h.Count);
                var byBucket = buckets.ToDictionary(b => b.Bucket, b => (int)b.Count);
                return new OverviewKpis(
                    start,
                    end,
                    tz,
                    (int)totals.Dialogues,
                    (int)totals.Analyzed,
                    totals.Upsell,
                    totals.Quality,
                    (int)devices.All,
                    (int)devices.Online,
                    Enumerable.Range(0, 24).Select(h => new HourCount(h, byHour.GetValueOrDefault(h))).ToList(),
                    categories.Select(x => new CategoryCount(x.Category, (int)x.Count)).ToList(),
                    Enumerable.Range(0, 10).Select(b => new QualityBucket(b * 10, b == 9 ? 100 : (b * 10) + 9, byBucket.GetValueOrDefault(b))).ToList());
            },
            ct);
    }
}
