using Dapper;
using Iot.Dashboard.Data;

namespace Iot.Dashboard.Performance;

/// <summary>
/// Day and week series of the Performance measures, and the hour x weekday heat map of activity and upsell rate, in
/// the tenant's time zone; served like <see cref="PerformanceQueries"/> (roll-ups for clean days, raw for the rest).
/// </summary>
public sealed class TrendQueries(TenantDb db, TimeProvider time)
{
    public Task<TrendSeries> SeriesAsync(PerformanceFilter filter, CancellationToken ct) => SeriesAsync(filter, rawOnly: false, ct);

    internal Task<TrendSeries> SeriesAsync(PerformanceFilter filter, bool rawOnly, CancellationToken ct) =>
        db.RunAsync(
            async (c, tx) =>
            {
                var plan = await RollupPlan.ReadAsync(c, tx, time.GetUtcNow(), ct).ConfigureAwait(false);
                var (first, last) = filter.Period(plan.Today);
                await plan.CoverAsync(c, tx, first, last, rawOnly, ct).ConfigureAwait(false);
                var weekly = filter.EffectiveInterval == "week";
                if (weekly)
                {
                    // A week row's Monday is its point's key; clipped first/last weeks are partial, so UseWeeks skips them.
                    plan.UseWeeks();
                }

                var args = await plan.ParametersAsync(c, tx, ct).ConfigureAwait(false);
                args.Add("branch", filter.BranchFilter);
                args.Add("device", filter.DeviceFilter);

                // ISO weeks: the Monday on or before the day.
                var bucket = weekly ? "to_char(day - (extract(isodow FROM day)::int - 1), 'YYYY-MM-DD')" : "to_char(day, 'YYYY-MM-DD')";
                var rows = (await c.QueryAsync<RollupSource.AggregateRow>(new CommandDefinition(
                    RollupSource.Aggregate(bucket, "true", filter.DeviceFilter is null ? 'b' : 'o', filter.BranchFilter, filter.DeviceFilter),
                    args,
                    tx,
                    cancellationToken: ct)).ConfigureAwait(false)).AsList();
                var points = new List<TrendPoint>();
                for (var start = weekly ? first.AddDays(-(((int)first.DayOfWeek + 6) % 7)) : first; start <= last; start = start.AddDays(weekly ? 7 : 1))
                {
                    var label = start.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
                    var m = rows.Where(r => r.Kind == "m" && r.Key == label).Aggregate(Measures.Zero, (s, r) => s.Add(r.ToMeasures()));
                    var items = rows.Where(r => r.Kind == "c" && r.Key == label).ToList();
                    var (checkedN, met) = ((int)items.Sum(r => r.A), (int)items.Sum(r => r.B));
                    double? compliance = checkedN == 0 ? null : (double)met / checkedN;
                    var end = weekly ? start.AddDays(6) : start;
                    double? value = filter.EffectiveMeasure switch
                    {
                        "attemptRate" => m.AttemptRate,
                        "acceptanceRate" => m.AcceptanceRate,
                        "averageQuality" => m.AverageQuality,
                        "compliance" => compliance,
                        _ => m.Dialogues,
                    };
                    points.Add(new TrendPoint(
                        start < first ? first : start,
                        end > last ? last : end,
                        m.Dialogues,
                        m.Analysed,
                        m.Attempted,
                        m.Accepted,
                        m.AttemptRate,
                        m.AcceptanceRate,
                        m.AverageQuality,
                        checkedN,
                        met,
                        compliance,
                        value));
                }

                return new TrendSeries(filter.EffectiveMeasure, filter.EffectiveInterval, first, last, plan.Zone, filter.BranchFilter, filter.DeviceFilter, points);
            },
            ct);

    public Task<HeatMap> HeatMapAsync(PerformanceFilter filter, CancellationToken ct) => HeatMapAsync(filter, rawOnly: false, ct);

    internal Task<HeatMap> HeatMapAsync(PerformanceFilter filter, bool rawOnly, CancellationToken ct) =>
        db.RunAsync(
            async (c, tx) =>
            {
                var plan = await RollupPlan.ReadAsync(c, tx, time.GetUtcNow(), ct).ConfigureAwait(false);
                var (first, last) = filter.Period(plan.Today);

                // The hourly roll-up has no device: a device's heat map is read raw (its index keeps that to its own rows).
                await plan.CoverAsync(c, tx, first, last, rawOnly || filter.DeviceFilter is not null, ct).ConfigureAwait(false);
                var args = await plan.ParametersAsync(c, tx, ct).ConfigureAwait(false);
                args.Add("branch", filter.BranchFilter);
                args.Add("device", filter.DeviceFilter);
                var rows = (await c.QueryAsync<(int Weekday, int Hour, long Dialogues, long Analysed, long Attempted)>(new CommandDefinition(
                    RollupSource.Heat(filter.BranchFilter, filter.DeviceFilter),
                    args,
                    tx,
                    cancellationToken: ct)).ConfigureAwait(false)).ToDictionary(r => (r.Weekday, r.Hour));
                var cells = new List<HeatCell>(7 * 24);
                for (var weekday = 1; weekday <= 7; weekday++)
                {
                    for (var hour = 0; hour < 24; hour++)
                    {
                        var r = rows.GetValueOrDefault((weekday, hour));
                        cells.Add(new HeatCell(weekday, hour, (int)r.Dialogues, (int)r.Analysed, (int)r.Attempted, r.Analysed == 0 ? null : (double)r.Attempted / r.Analysed));
                    }
                }

                return new HeatMap(first, last, plan.Zone, filter.BranchFilter, filter.DeviceFilter, cells);
            },
            ct);
}
