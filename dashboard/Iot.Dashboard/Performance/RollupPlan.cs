using System.Data;
using Dapper;

namespace Iot.Dashboard.Performance;

/// <summary>
/// Which local days of a period the roll-ups (migration 0065, kept by <c>OverviewRollup</c>) may serve and which must be
/// read raw — the overview's rule: raw when the roll-up was not (yet) cut in the tenant's current zone, for today and
/// later, and for every day holding a dialogue changed since the roll-up's last pass (its watermark). So the figures
/// equal a raw count of the period.
/// </summary>
internal sealed class RollupPlan
{
    private (DateTime Start, DateTime End)? _bounds;

    private RollupPlan(string zone, DateOnly today, bool ready, DateTime? watermark)
    {
        Zone = zone;
        Today = today;
        Ready = ready;
        Watermark = watermark;
    }

    public string Zone { get; }

    public DateOnly Today { get; }

    private bool Ready { get; }

    private DateTime? Watermark { get; }

    public DateOnly First { get; private set; }

    public DateOnly Last { get; private set; }

    /// <summary>Days read raw (never the roll-up's rows for them).</summary>
    public SortedSet<DateOnly> RawDays { get; } = [];

    /// <summary>Mondays of the ISO weeks read from week rows (<see cref="UseWeeks"/>); empty = day rows only.</summary>
    public List<DateOnly> Weeks { get; } = [];

    /// <summary>The tenant's zone (row security: tenant_settings shows only the caller's row) and the roll-up's state.</summary>
    public static async Task<RollupPlan> ReadAsync(IDbConnection c, IDbTransaction tx, DateTimeOffset now, CancellationToken ct)
    {
        var row = await c.QuerySingleAsync<(string Zone, DateTime Today, bool Ready, DateTime? Watermark)>(new CommandDefinition(
            """
            WITH tz AS (SELECT coalesce((SELECT time_zone FROM tenant_settings), 'Etc/UTC') AS zone)
            SELECT zone, (@now AT TIME ZONE zone)::date::timestamp,
                   EXISTS (SELECT 1 FROM overview_rollup_state s WHERE s.time_zone = tz.zone),
                   (SELECT watermark FROM overview_rollup_state s WHERE s.time_zone = tz.zone)
            FROM tz
            """,
            new { now = now.UtcDateTime },
            tx,
            cancellationToken: ct)).ConfigureAwait(false);
        return new RollupPlan(row.Zone, DateOnly.FromDateTime(row.Today), row.Ready, row.Watermark);
    }

    /// <summary>Fixes the days [first, last] to read and finds the ones to read raw; <paramref name="rawOnly"/> reads all raw.</summary>
    public async Task CoverAsync(IDbConnection c, IDbTransaction tx, DateOnly first, DateOnly last, bool rawOnly, CancellationToken ct)
    {
        First = first;
        Last = last;
        _bounds = null;
        RawDays.Clear();
        Weeks.Clear();
        if (rawOnly || !Ready)
        {
            for (var d = first; d <= last; d = d.AddDays(1))
            {
                RawDays.Add(d);
            }

            return;
        }

        for (var d = Today > first ? Today : first; d <= last; d = d.AddDays(1))
        {
            RawDays.Add(d);
        }

        var (start, end) = await BoundsAsync(c, tx, ct).ConfigureAwait(false);
        var dirty = await c.QueryAsync<DateTime>(new CommandDefinition(
            """
            SELECT DISTINCT (started_at AT TIME ZONE @zone)::date::timestamp FROM dialogues
            WHERE updated_at > coalesce(@watermark::timestamptz, '-infinity') AND started_at >= @start AND started_at < @end
            """,
            new { zone = Zone, watermark = Watermark, start, end },
            tx,
            cancellationToken: ct)).ConfigureAwait(false);
        foreach (var day in dirty)
        {
            RawDays.Add(DateOnly.FromDateTime(day));
        }
    }

    /// <summary>
    /// Lets the roll-up's week rows stand for whole ISO weeks of [First, Last] holding no raw day and no
    /// <paramref name="boundaries"/> day after their Monday (the first day of a period the caller keeps apart, such as the
    /// current one against the previous): a 90-day period is then about 13 rows per key instead of 90. Callers that key
    /// by day must not call it. Call after <see cref="CoverAsync"/>.
    /// </summary>
    public void UseWeeks(params DateOnly[] boundaries)
    {
        Weeks.Clear();
        var monday = First.AddDays((7 - (((int)First.DayOfWeek + 6) % 7)) % 7);
        for (; monday.AddDays(6) <= Last; monday = monday.AddDays(7))
        {
            var sunday = monday.AddDays(6);
            if (RawDays.GetViewBetween(monday, sunday).Count == 0 && !boundaries.Any(b => b > monday && b <= sunday))
            {
                Weeks.Add(monday);
            }
        }
    }

    /// <summary>UTC bounds of [First, Last]: a plain predicate on the partition key lets PostgreSQL prune months.</summary>
    /// <remarks>Converted once per <see cref="CoverAsync"/> (a round trip): both it and <see cref="ParametersAsync"/> need them.</remarks>
    public async Task<(DateTime Start, DateTime End)> BoundsAsync(IDbConnection c, IDbTransaction tx, CancellationToken ct) =>
        _bounds ??= await UtcBoundsAsync(c, tx, Zone, First, Last, ct).ConfigureAwait(false);

    /// <summary>
    /// UTC instants [start, end) of the local days [first, last] in <paramref name="zone"/>. PostgreSQL converts, so a
    /// day that starts in a daylight-saving gap still gets an instant.
    /// </summary>
    public static async Task<(DateTime Start, DateTime End)> UtcBoundsAsync(IDbConnection c, IDbTransaction tx, string zone, DateOnly first, DateOnly last, CancellationToken ct)
    {
        var (start, end) = await c.QuerySingleAsync<(DateTime Start, DateTime End)>(new CommandDefinition(
            "SELECT @first::date::timestamp AT TIME ZONE @zone, (@last::date + 1)::timestamp AT TIME ZONE @zone",
            new { first = Day(first), last = Day(last), zone },
            tx,
            cancellationToken: ct)).ConfigureAwait(false);
        return (DateTime.SpecifyKind(start, DateTimeKind.Utc), DateTime.SpecifyKind(end, DateTimeKind.Utc));
    }

    /// <summary>Parameters every roll-up query of <see cref="RollupSource"/> takes, plus the caller's own.</summary>
    public async Task<DynamicParameters> ParametersAsync(IDbConnection c, IDbTransaction tx, CancellationToken ct)
    {
        var (start, end) = await BoundsAsync(c, tx, ct).ConfigureAwait(false);

        // Consecutive raw days become one range [first, end), so "all raw" is one index range, not one probe per day.
        var firsts = new List<DateTime>();
        var ends = new List<DateTime>();
        foreach (var day in RawDays)
        {
            if (ends.Count > 0 && ends[^1] == Day(day))
            {
                ends[^1] = Day(day.AddDays(1));
            }
            else
            {
                firsts.Add(Day(day));
                ends.Add(Day(day.AddDays(1)));
            }
        }

        var p = new DynamicParameters();
        p.Add("zone", Zone);
        p.Add("first", Day(First));
        p.Add("last", Day(Last));
        p.Add("start", start);
        p.Add("end", end);
        p.Add("rawDays", RawDays.Select(Day).ToArray());
        p.Add("weeks", Weeks.Select(Day).ToArray());
        p.Add("dayRows", DayRows().Select(Day).ToArray());
        p.Add("runFirsts", firsts.ToArray());
        p.Add("runEnds", ends.ToArray());
        return p;
    }

    /// <summary>Clean days of [First, Last] that no week row of <see cref="Weeks"/> stands for: read from day rows.</summary>
    public IEnumerable<DateOnly> DayRows()
    {
        var weeks = Weeks.ToHashSet();
        for (var d = First; d <= Last; d = d.AddDays(1))
        {
            if (!RawDays.Contains(d) && !weeks.Contains(d.AddDays(-(((int)d.DayOfWeek + 6) % 7))))
            {
                yield return d;
            }
        }
    }

    public static DateTime Day(DateOnly day) => day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
}
