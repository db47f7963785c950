using System.Data;
using System.Globalization;
using Iot.Dashboard.Performance;
using Iot.Dashboard.Settings;

namespace Iot.Dashboard.Opportunities;

/// <summary>
/// A filter's local days turned into UTC bounds [Start, End) in the tenant's zone (row security: tenant_settings shows
/// only the caller's row). PostgreSQL does the conversion, as the Performance queries do, so a day that starts in a
/// daylight-saving gap still gets an instant.
/// </summary>
internal sealed record TenantPeriod(string Zone, DateOnly First, DateOnly Last, DateTime Start, DateTime End)
{
    public static async Task<TenantPeriod> ReadAsync(IDbConnection c, IDbTransaction tx, OpportunityFilter filter, DateTimeOffset now, CancellationToken ct) =>
        await OfAsync(c, tx, await RollupPlan.ReadAsync(c, tx, now, ct).ConfigureAwait(false), filter, ct).ConfigureAwait(false);

    /// <summary>The filter's days in the zone and "today" a roll-up plan already read (no second lookup of them).</summary>
    public static async Task<TenantPeriod> OfAsync(IDbConnection c, IDbTransaction tx, RollupPlan plan, OpportunityFilter filter, CancellationToken ct)
    {
        var (first, last) = filter.Period(plan.Today);
        var (start, end) = await RollupPlan.UtcBoundsAsync(c, tx, plan.Zone, first, last, ct).ConfigureAwait(false);
        return new TenantPeriod(plan.Zone, first, last, start, end);
    }

    /// <summary>
    /// The dialogue list for these days (its <c>from</c>/<c>to</c> are instants: local midnights with their offset, the
    /// end exclusive), the filter's branch/device/operator, unflagged analyses only (as every figure here), plus <paramref name="extra"/>.
    /// </summary>
    public string DialoguesUrl(OpportunityFilter filter, params (string Name, string Value)[] extra)
    {
        var zone = TenantTime.Zone(Zone);
        var query = new List<(string, string)> { ("from", Midnight(First, zone)), ("to", Midnight(Last.AddDays(1), zone)) };
        foreach (var (name, value) in new[] { ("branch", filter.BranchFilter), ("device", filter.DeviceFilter), ("operator", filter.OperatorFilter) })
        {
            if (value is not null)
            {
                query.Add((name, value));
            }
        }

        query.Add(("flagged", "false"));
        query.AddRange(extra);
        return "/dialogues?" + string.Join('&', query.Select(q => Uri.EscapeDataString(q.Item1) + "=" + Uri.EscapeDataString(q.Item2)));
    }

    private static string Midnight(DateOnly day, TimeZoneInfo zone)
    {
        var local = Day(day);
        return new DateTimeOffset(local, zone.GetUtcOffset(local)).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);
    }

    private static DateTime Day(DateOnly day) => day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
}
