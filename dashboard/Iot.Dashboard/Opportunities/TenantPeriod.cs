using System.Data;
using System.Globalization;
using Dapper;
using Iot.Dashboard.Settings;

namespace Iot.Dashboard.Opportunities;

/// <summary>
/// A filter's local days turned into UTC bounds [Start, End) in the tenant's zone (row security: tenant_settings shows
/// only the caller's row). PostgreSQL does the conversion, as the Performance queries do, so a day that starts in a
/// daylight-saving gap still gets an instant.
/// </summary>
internal sealed record TenantPeriod(string Zone, DateOnly First, DateOnly Last, DateTime Start, DateTime End)
{
    public static async Task<TenantPeriod> ReadAsync(IDbConnection c, IDbTransaction tx, OpportunityFilter filter, DateTimeOffset now, CancellationToken ct)
    {
        var (zone, today) = await c.QuerySingleAsync<(string, DateTime)>(new CommandDefinition(
            """
            WITH tz AS (SELECT coalesce((SELECT time_zone FROM tenant_settings), 'Etc/UTC') AS zone)
            SELECT zone, (@now AT TIME ZONE zone)::date::timestamp FROM tz
            """,
            new { now = now.UtcDateTime },
            tx,
            cancellationToken: ct)).ConfigureAwait(false);
        var (first, last) = filter.Period(DateOnly.FromDateTime(today));
        var (start, end) = await c.QuerySingleAsync<(DateTime, DateTime)>(new CommandDefinition(
            "SELECT @first::date::timestamp AT TIME ZONE @zone, (@last::date + 1)::timestamp AT TIME ZONE @zone",
            new { first = Day(first), last = Day(last), zone },
            tx,
            cancellationToken: ct)).ConfigureAwait(false);
        return new TenantPeriod(zone, first, last, DateTime.SpecifyKind(start, DateTimeKind.Utc), DateTime.SpecifyKind(end, DateTimeKind.Utc));
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
