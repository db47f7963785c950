using Dapper;
using Iot.Dashboard.Data;

namespace Iot.Dashboard.Performance;

/// <summary>
/// The Performance table: per operator or branch, the period's measures against the previous period of equal length,
/// served from the roll-ups (migration 0065) with today and changed days read raw (<see cref="RollupPlan"/>). Row
/// security on the roll-ups and raw tables limits every figure to the caller's tenant and branches.
/// </summary>
public sealed class PerformanceQueries(TenantDb db, TimeProvider time)
{
    /// <summary>The filter must have passed <see cref="PerformanceFilter.Validate"/>.</summary>
    public Task<PerformanceReport> GetAsync(PerformanceFilter filter, CancellationToken ct) => GetAsync(filter, rawOnly: false, ct);

    /// <summary><paramref name="rawOnly"/>: ignore the roll-ups (tests compare both paths).</summary>
    internal Task<PerformanceReport> GetAsync(PerformanceFilter filter, bool rawOnly, CancellationToken ct) =>
        db.RunAsync(
            async (c, tx) =>
            {
                var plan = await RollupPlan.ReadAsync(c, tx, time.GetUtcNow(), ct).ConfigureAwait(false);
                var (first, last) = filter.Period(plan.Today);
                var length = last.DayNumber - first.DayNumber + 1;
                var (previousFirst, previousLast) = (first.AddDays(-length), first.AddDays(-1));
                await plan.CoverAsync(c, tx, previousFirst, last, rawOnly, ct).ConfigureAwait(false);
                plan.UseWeeks(first);
                var args = await plan.ParametersAsync(c, tx, ct).ConfigureAwait(false);
                args.Add("currentFirst", RollupPlan.Day(first));
                args.Add("branch", filter.BranchFilter);
                args.Add("device", filter.DeviceFilter);
                var byBranch = filter.EffectiveBy == "branch";

                // Per-branch rows (a tenant's branches, not its operators x devices) unless the key or a filter needs finer.
                var grain = byBranch && filter.DeviceFilter is null ? 'b' : 'o';
                var rows = (await c.QueryAsync<RollupSource.AggregateRow>(new CommandDefinition(
                    RollupSource.Aggregate(byBranch ? "branch_id" : "operator_id", "day >= @currentFirst::date", grain, filter.BranchFilter, filter.DeviceFilter),
                    args,
                    tx,
                    cancellationToken: ct)).ConfigureAwait(false)).AsList();
                return Build(filter, plan.Zone, first, last, previousFirst, previousLast, rows);
            },
            ct);

    private static PerformanceReport Build(PerformanceFilter filter, string zone, DateOnly first, DateOnly last, DateOnly previousFirst, DateOnly previousLast, List<RollupSource.AggregateRow> rows)
    {
        var items = rows.Where(r => r.Kind == "c").Select(r => r.Item!).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var keys = rows.Select(r => r.Key).Distinct().ToList();
        PerformanceRow RowOf(string? key, Func<RollupSource.AggregateRow, bool> match)
        {
            Measures Sum(bool current) => rows.Where(r => r.Kind == "m" && r.Current == current && match(r)).Aggregate(Measures.Zero, (m, r) => m.Add(r.ToMeasures()));
            (int Checked, int Met) Item(string item, bool current) => rows.Where(r => r.Kind == "c" && r.Current == current && r.Item == item && match(r))
                .Aggregate((0, 0), (s, r) => (s.Item1 + (int)r.A, s.Item2 + (int)r.B));
            var current = Sum(true);
            var previous = Sum(false);
            var checklist = items.Select(i =>
            {
                var (cc, cm) = Item(i, true);
                var (pc, pm) = Item(i, false);
                double? Rate(int met, int n) => n == 0 ? null : (double)met / n;
                return new ItemCompliance(i, cc, cm, Rate(cm, cc), pc, pm, Rate(pm, pc), MeasureChange.Diff(Rate(cm, cc), Rate(pm, pc)));
            }).ToList();
            return new PerformanceRow(key, current.Dialogues, current.AttemptRate, current.AcceptanceRate, current.AverageQuality, current, previous, MeasureChange.Between(current, previous), checklist);
        }

        var list = keys.Select(k => RowOf(k, r => r.Key == k)).ToList();
        var sort = filter.EffectiveSort;
        return new PerformanceReport(
            filter.EffectiveBy,
            first,
            last,
            previousFirst,
            previousLast,
            zone,
            sort,
            filter.BranchFilter,
            filter.DeviceFilter,
            items,
            Sorted(list, sort),
            RowOf(null, _ => true));
    }

    /// <summary>Rows without a value for the sorted measure go last either way; ties by key.</summary>
    internal static List<PerformanceRow> Sorted(List<PerformanceRow> rows, string sort)
    {
        var descending = sort.StartsWith('-');
        if (sort.TrimStart('-') == "key")
        {
            var byKey = rows.OrderBy(r => r.Key is null).ThenBy(r => r.Key, StringComparer.Ordinal);
            return (descending ? rows.OrderBy(r => r.Key is null).ThenByDescending(r => r.Key, StringComparer.Ordinal) : byKey).ToList();
        }

        Func<PerformanceRow, double?> value = sort.TrimStart('-') switch
        {
            "dialogues" => r => r.Dialogues,
            "attemptRate" => r => r.AttemptRate,
            "acceptanceRate" => r => r.AcceptanceRate,
            "averageQuality" => r => r.AverageQuality,
            "dialoguesChange" => r => r.Change.Dialogues,
            "attemptRateChange" => r => r.Change.AttemptRate,
            "acceptanceRateChange" => r => r.Change.AcceptanceRate,
            _ => r => r.Change.AverageQuality,
        };
        var withValue = rows.OrderBy(r => value(r) is null);
        var ordered = descending ? withValue.ThenByDescending(value) : withValue.ThenBy(value);
        return ordered.ThenBy(r => r.Key, StringComparer.Ordinal).ToList();
    }
}
