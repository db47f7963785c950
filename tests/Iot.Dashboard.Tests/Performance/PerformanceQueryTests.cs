using Dapper;
using Iot.Dashboard.Data;
using Iot.Dashboard.Overview;
using Iot.Dashboard.Performance;
using Iot.TestSupport;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace Iot.Dashboard.Tests.Performance;

/// <summary>
/// Performance, trend and heat-map figures on a hand-made New York tenant, read through the roll-ups (migration 0065)
/// and raw, against values worked out by hand below. The previous period straddles the end of daylight saving time
/// (1 November 2026), and one dialogue starts on a Sunday evening that is Monday in UTC.
/// </summary>
public sealed class PerformanceQueryTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 11, 12, 15, 30, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _time = new(Now);
    private NpgsqlDataSource _db = null!;
    private Guid _opB2;

    // Checklists: g = greeting, f = farewell.
    private const string GreetMet = """[{"itemId":"greeting","met":true}]""";
    private const string GreetMissed = """[{"itemId":"greeting","met":false}]""";
    private const string GreetMetFarewellMissed = """[{"itemId":"greeting","met":true},{"itemId":"farewell","met":false}]""";
    private const string BothMet = """[{"itemId":"greeting","met":true},{"itemId":"farewell","met":true}]""";

    public async Task InitializeAsync()
    {
        _db = NpgsqlDataSource.Create(await TestDatabase.CreateAsync("perf"));
        await using var c = await _db.OpenConnectionAsync();
        await c.ExecuteAsync(
            """
            INSERT INTO tenants (tenant_id, name) VALUES ('ny', 'NY'), ('other', 'Other');
            INSERT INTO tenant_settings (tenant_id, time_zone) VALUES ('ny', 'America/New_York');
            INSERT INTO branches (branch_id, tenant_id, name) VALUES ('ny-n', 'ny', 'N'), ('ny-s', 'ny', 'S'), ('o-1', 'other', 'O');
            INSERT INTO devices (device_id, tenant_id, branch_id) VALUES ('ny-dn', 'ny', 'ny-n'), ('ny-ds', 'ny', 'ny-s'), ('o-d1', 'other', 'o-1');
            """);
        _opB2 = Guid.CreateVersion7();

        // (UTC start, operator, branch, device, analysis?: upsell, reaction, quality, checklist, flagged; deleted)
        var rows = new (string Utc, string Op, string Branch, string Device, bool Analysed, bool Upsell, string Reaction, int Quality, string Checklist, bool Flagged, bool Deleted, Guid? Id)[]
        {
            // Current period 2026-11-02 (Mon) .. 2026-11-08 (Sun), New York = UTC-5.
            ("2026-11-02T14:10:00Z", "op-a", "ny-n", "ny-dn", true, true, "accepted", 80, GreetMetFarewellMissed, false, false, null), // Mon 09:10
            ("2026-11-02T14:40:00Z", "op-a", "ny-n", "ny-dn", true, true, "declined", 60, BothMet, false, false, null),                // Mon 09:40
            ("2026-11-03T23:00:00Z", "op-a", "ny-n", "ny-dn", true, false, "none", 40, GreetMissed, false, false, null),              // Tue 18:00
            ("2026-11-09T04:30:00Z", "op-a", "ny-n", "ny-dn", false, false, "none", 0, "[]", false, false, null),                      // Sun 23:30 local
            ("2026-11-04T15:00:00Z", "op-a", "ny-n", "ny-dn", true, true, "accepted", 100, GreetMet, true, false, null),              // Wed 10:00, flagged
            ("2026-11-05T14:15:00Z", "op-b", "ny-s", "ny-ds", true, true, "accepted", 70, GreetMet, false, false, null),              // Thu 09:15
            ("2026-11-05T14:45:00Z", "op-b", "ny-s", "ny-ds", true, true, "accepted", 90, BothMet, false, false, _opB2),              // Thu 09:45
            ("2026-11-06T15:00:00Z", "op-b", "ny-s", "ny-ds", true, true, "accepted", 10, GreetMissed, false, true, null),            // deleted

            // Previous period 2026-10-26 .. 2026-11-01, New York = UTC-4 until 1 November.
            ("2026-10-27T16:00:00Z", "op-a", "ny-n", "ny-dn", true, true, "accepted", 90, GreetMet, false, false, null),              // Tue 12:00

            // Outside both periods, and another tenant inside.
            ("2026-11-09T14:00:00Z", "op-a", "ny-n", "ny-dn", true, true, "accepted", 50, GreetMet, false, false, null),
            ("2026-10-25T16:00:00Z", "op-b", "ny-s", "ny-ds", true, true, "accepted", 50, GreetMet, false, false, null),
        };
        foreach (var r in rows)
        {
            await InsertAsync(c, r.Id ?? Guid.CreateVersion7(), "ny", r.Branch, r.Device, r.Op, DateTimeOffset.Parse(r.Utc), r.Analysed, r.Upsell, r.Reaction, r.Quality, r.Checklist, r.Flagged, r.Deleted);
        }

        await InsertAsync(c, Guid.CreateVersion7(), "other", "o-1", "o-d1", "op-a", DateTimeOffset.Parse("2026-11-03T15:00:00Z"), true, true, "accepted", 99, GreetMet, false, false);
    }

    private static Task InsertAsync(NpgsqlConnection c, Guid id, string tenant, string branch, string device, string op, DateTimeOffset started, bool analysed, bool upsell, string reaction, int quality, string checklist, bool flagged, bool deleted) =>
        c.ExecuteAsync(
            """
            INSERT INTO dialogues (dialogue_id, tenant_id, branch_id, device_id, operator_id, started_at, ended_at, status, updated_at, deleted_at)
            VALUES (@id, @tenant, @branch, @device, @op, @started, @started + interval '1 minute', 'analyzed', '2026-11-12T12:00:00Z', CASE WHEN @deleted THEN '2026-11-07T00:00:00Z'::timestamptz END);
            INSERT INTO analyses (dialogue_id, engine, upsell_attempted, customer_reaction, checklist, sentiment, sentiment_score, quality_score, summary, low_confidence)
            SELECT @id, 'rules', @upsell, @reaction, @checklist::jsonb, 'neutral', 0, @quality, 's', CASE WHEN @flagged THEN 'unsure' END WHERE @analysed;
            """,
            new { id, tenant, branch, device, op, started = started.UtcDateTime, analysed, upsell, reaction, quality = (short)quality, checklist, flagged, deleted });

    public async Task DisposeAsync() => await _db.DisposeAsync();

    private PerformanceQueries Performance(string[]? branches = null) => new(Db(branches), _time);

    private TrendQueries Trends(string[]? branches = null) => new(Db(branches), _time);

    private TenantDb Db(string[]? branches) => new(_db, new TenantScope("ny", "u1", "test@ny", "admin", branches));

    private static readonly PerformanceFilter Week = new() { From = "2026-11-02", To = "2026-11-08" };

    [Fact]
    public async Task Operator_rows_give_hand_computed_rates_compliance_and_change_against_the_previous_week_from_the_roll_up_and_raw()
    {
        await new OverviewRollup(_db, _time).RunOnceAsync(CancellationToken.None);
        foreach (var rawOnly in new[] { false, true })
        {
            var report = await Performance().GetAsync(Week, rawOnly, CancellationToken.None);
            Assert.Equal(new DateOnly(2026, 10, 26), report.PreviousFrom);
            Assert.Equal(new DateOnly(2026, 11, 1), report.PreviousTo);
            Assert.Equal(["farewell", "greeting"], report.ChecklistItems);
            Assert.Equal(["op-a", "op-b"], report.Rows.Select(r => r.Key));   // default sort: most dialogues first

            // op-a: 5 dialogues (the flagged one and the Sunday-evening one count), 3 analysed, 2 attempts, 1 accepted,
            // quality (80 + 60 + 40) / 3; greeting met 2 of 3, farewell 1 of 2. Previous week: 1 dialogue, all of it a success.
            var a = report.Rows[0];
            Assert.Equal(new Measures(5, 3, 2, 1, 180, 1), a.Current);
            Assert.Equal(2.0 / 3, a.AttemptRate!.Value, 9);
            Assert.Equal(0.5, a.AcceptanceRate!.Value, 9);
            Assert.Equal(60.0, a.AverageQuality!.Value, 9);
            Assert.Equal(new Measures(1, 1, 1, 1, 90, 0), a.Previous);
            Assert.Equal(4, a.Change.Dialogues);
            Assert.Equal(2.0 / 3 - 1, a.Change.AttemptRate!.Value, 9);
            Assert.Equal(-0.5, a.Change.AcceptanceRate!.Value, 9);
            Assert.Equal(-30.0, a.Change.AverageQuality!.Value, 9);
            var greeting = a.Checklist.Single(i => i.ItemId == "greeting");
            Assert.Equal((3, 2, 1, 1), (greeting.Checked, greeting.Met, greeting.PreviousChecked, greeting.PreviousMet));
            Assert.Equal(2.0 / 3 - 1, greeting.Change!.Value, 9);
            var farewell = a.Checklist.Single(i => i.ItemId == "farewell");
            Assert.Equal((2, 1, 0.5), (farewell.Checked, farewell.Met, farewell.Rate!.Value));
            Assert.Null(farewell.Change);

            // op-b: the deleted dialogue is gone; nothing in the previous week, so no rate change.
            var b = report.Rows[1];
            Assert.Equal(new Measures(2, 2, 2, 2, 160, 0), b.Current);
            Assert.Equal(2, b.Change.Dialogues);
            Assert.Null(b.Change.AttemptRate);

            // Total: other tenants and the dialogues outside both weeks are not in it.
            Assert.Equal(new Measures(7, 5, 4, 3, 340, 1), report.Total.Current);
            Assert.Equal(new Measures(1, 1, 1, 1, 90, 0), report.Total.Previous);
        }
    }

    [Fact]
    public async Task Branch_rows_sort_filter_and_stop_at_the_callers_branches()
    {
        await new OverviewRollup(_db, _time).RunOnceAsync(CancellationToken.None);
        var byBranch = await Performance().GetAsync(new PerformanceFilter { By = "branch", From = "2026-11-02", To = "2026-11-08", Sort = "-acceptanceRate" }, CancellationToken.None);
        Assert.Equal(["ny-s", "ny-n"], byBranch.Rows.Select(r => r.Key));   // 2/2 accepted before 1/2
        var ascending = PerformanceQueries.Sorted([.. byBranch.Rows], "acceptanceRate");
        Assert.Equal(["ny-n", "ny-s"], ascending.Select(r => r.Key));

        var device = await Performance().GetAsync(new PerformanceFilter { From = "2026-11-02", To = "2026-11-08", Device = "ny-ds" }, CancellationToken.None);
        Assert.Equal(["op-b"], device.Rows.Select(r => r.Key));

        // A south-only user asking for the north branch gets nothing; unfiltered, only its own branch.
        var south = await Performance(["ny-s"]).GetAsync(new PerformanceFilter { From = "2026-11-02", To = "2026-11-08", Branch = "ny-n" }, CancellationToken.None);
        Assert.Empty(south.Rows);
        Assert.Equal(0, south.Total.Dialogues);
        var own = await Performance(["ny-s"]).GetAsync(Week, CancellationToken.None);
        Assert.Equal(["op-b"], own.Rows.Select(r => r.Key));
    }

    [Fact]
    public async Task The_roll_up_serves_clean_days_and_a_day_changed_since_the_last_pass_is_read_raw()
    {
        await new OverviewRollup(_db, _time).RunOnceAsync(CancellationToken.None);
        await using (var c = await _db.OpenConnectionAsync())
        {
            // Proof the figures come from the roll-up: a tampered roll-up row shows through. A whole week is read from its
            // week row (+100), a period without a whole week from its day rows (+1000 on the 5th).
            await c.ExecuteAsync("UPDATE performance_rollup SET dialogues = dialogues + 100 WHERE tenant_id = 'ny' AND operator_id = 'op-b' AND grain = 'o' AND week AND day = '2026-11-02'");
            await c.ExecuteAsync("UPDATE performance_rollup SET dialogues = dialogues + 1000 WHERE tenant_id = 'ny' AND operator_id = 'op-b' AND grain = 'o' AND NOT week AND day = '2026-11-05'");
        }

        var tampered = await Performance().GetAsync(Week, CancellationToken.None);
        Assert.Equal(102, tampered.Rows.Single(r => r.Key == "op-b").Dialogues);
        var days = new PerformanceFilter { From = "2026-11-04", To = "2026-11-06" };
        var raw = (await Performance().GetAsync(days, rawOnly: true, CancellationToken.None)).Rows.Single(r => r.Key == "op-b").Dialogues;
        Assert.Equal(raw + 1000, (await Performance().GetAsync(days, CancellationToken.None)).Rows.Single(r => r.Key == "op-b").Dialogues);

        // A dialogue of that day deleted after the pass: the day is read raw at once (tampering and all gone).
        await using (var c = await _db.OpenConnectionAsync())
        {
            await c.ExecuteAsync("UPDATE dialogues SET deleted_at = now(), updated_at = '2026-11-12T15:00:00Z' WHERE dialogue_id = @id", new { id = _opB2 });
        }

        var dirty = await Performance().GetAsync(Week, CancellationToken.None);
        Assert.Equal(new Measures(1, 1, 1, 1, 70, 0), dirty.Rows.Single(r => r.Key == "op-b").Current);
        await new OverviewRollup(_db, _time).RunOnceAsync(CancellationToken.None);
        Assert.Equal(new Measures(1, 1, 1, 1, 70, 0), (await Performance().GetAsync(Week, CancellationToken.None)).Rows.Single(r => r.Key == "op-b").Current);
    }

    [Fact]
    public async Task Week_rows_day_rows_and_raw_days_together_give_the_raw_count_for_any_period_and_filter()
    {
        // Ten weeks of random dialogues (fixed seed) over both branches, three operators and a day without operator.
        var random = new Random(19);
        var checklists = new[] { GreetMet, GreetMissed, GreetMetFarewellMissed, BothMet, "[]" };
        var changed = new List<Guid>();
        await using (var c = await _db.OpenConnectionAsync())
        {
            for (var i = 0; i < 400; i++)
            {
                var north = random.Next(2) == 0;
                var id = Guid.CreateVersion7();
                var started = new DateTimeOffset(2026, 9, 1, 0, 0, 0, TimeSpan.Zero).AddMinutes(random.Next(72 * 24 * 60));
                await InsertAsync(c, id, "ny", north ? "ny-n" : "ny-s", north ? "ny-dn" : "ny-ds", random.Next(4) switch { 0 => "op-a", 1 => "op-b", 2 => "op-c", _ => "" },
                    started, random.Next(5) > 0, random.Next(2) == 0, random.Next(2) == 0 ? "accepted" : "declined", random.Next(101),
                    checklists[random.Next(checklists.Length)], random.Next(10) == 0, random.Next(20) == 0);
                if (i % 97 == 0)
                {
                    changed.Add(id);
                }
            }

            await c.ExecuteAsync("UPDATE dialogues SET operator_id = NULL WHERE operator_id = ''");
        }

        await new OverviewRollup(_db, _time).RunOnceAsync(CancellationToken.None);

        // Changed after the pass: their days (and so their weeks) must be read raw.
        await using (var c = await _db.OpenConnectionAsync())
        {
            await c.ExecuteAsync("UPDATE dialogues SET deleted_at = now(), updated_at = '2026-11-12T15:00:00Z' WHERE dialogue_id = ANY(@changed)", new { changed });
        }

        var periods = new[] { ("2026-09-01", "2026-11-12"), ("2026-09-03", "2026-10-29"), ("2026-10-05", "2026-10-18"), ("2026-09-16", "2026-11-08") };
        foreach (var (from, to) in periods)
        {
            foreach (var filter in new PerformanceFilter[]
            {
                new() { From = from, To = to },
                new() { From = from, To = to, By = "branch" },
                new() { From = from, To = to, Device = "ny-ds" },
                new() { From = from, To = to, Branch = "ny-n", By = "branch" },
            })
            {
                var rolled = await Performance().GetAsync(filter, CancellationToken.None);
                var raw = await Performance().GetAsync(filter, rawOnly: true, CancellationToken.None);
                Assert.Equivalent(raw, rolled, strict: true);
            }

            foreach (var interval in new[] { "day", "week" })
            {
                foreach (var device in new[] { null, "ny-dn" })
                {
                    var filter = new PerformanceFilter { From = from, To = to, Interval = interval, Device = device, Measure = "compliance" };
                    Assert.Equivalent(await Trends().SeriesAsync(filter, rawOnly: true, CancellationToken.None), await Trends().SeriesAsync(filter, CancellationToken.None), strict: true);
                }
            }
        }

        // And a branch-scoped user sees only its branch through week rows too.
        var scoped = await Performance(["ny-s"]).GetAsync(new PerformanceFilter { From = "2026-09-01", To = "2026-11-12", By = "branch" }, CancellationToken.None);
        Assert.Equal(["ny-s"], scoped.Rows.Select(r => r.Key));
    }

    [Fact]
    public async Task Week_series_bucket_by_local_monday_and_clip_to_the_period()
    {
        await new OverviewRollup(_db, _time).RunOnceAsync(CancellationToken.None);
        foreach (var rawOnly in new[] { false, true })
        {
            // 27 Oct (Tue) .. 8 Nov: the week of Mon 26 Oct clipped to start on the 27th, then 2..8 Nov, which holds the
            // Sunday 23:30 dialogue although it is 9 Nov in UTC.
            var dialogues = await Trends().SeriesAsync(new PerformanceFilter { Interval = "week", From = "2026-10-27", To = "2026-11-08" }, rawOnly, CancellationToken.None);
            Assert.Equal([(new DateOnly(2026, 10, 27), new DateOnly(2026, 11, 1), 1.0), (new DateOnly(2026, 11, 2), new DateOnly(2026, 11, 8), 7.0)], dialogues.Points.Select(p => (p.Start, p.End, p.Value!.Value)));

            // Attempt rate: week 1 = 1 of 1; week 2 = 4 attempts of 5 analysed (the flagged one left out).
            var attempts = await Trends().SeriesAsync(new PerformanceFilter { Measure = "attemptRate", Interval = "week", From = "2026-10-27", To = "2026-11-08" }, rawOnly, CancellationToken.None);
            Assert.Equal([1.0, 0.8], attempts.Points.Select(p => p.Value!.Value));

            // Day series: 7 points; Monday 2 Nov compliance = 3 met of 4 judged items; Sunday has a dialogue but no analysis.
            var compliance = await Trends().SeriesAsync(new PerformanceFilter { Measure = "compliance", From = "2026-11-02", To = "2026-11-08" }, rawOnly, CancellationToken.None);
            Assert.Equal(7, compliance.Points.Count);
            Assert.Equal(0.75, compliance.Points[0].Value!.Value, 9);
            Assert.Equal((1, (double?)null), (compliance.Points[6].Dialogues, compliance.Points[6].Value));
        }
    }

    [Fact]
    public async Task Heat_map_cells_are_local_weekday_and_hour_with_the_upsell_rate_of_the_analysed()
    {
        await new OverviewRollup(_db, _time).RunOnceAsync(CancellationToken.None);
        foreach (var (rawOnly, device) in new[] { (false, (string?)null), (true, null), (false, "ny-dn") })
        {
            var heat = await Trends().HeatMapAsync(new PerformanceFilter { From = "2026-11-02", To = "2026-11-08", Device = device }, rawOnly, CancellationToken.None);
            Assert.Equal(168, heat.Cells.Count);
            HeatCell Cell(int weekday, int hour) => heat.Cells.Single(c => c.Weekday == weekday && c.Hour == hour);

            // Monday 09:00 local (14:xx UTC): two dialogues, both with an attempt.
            Assert.Equal(new HeatCell(1, 9, 2, 2, 2, 1.0), Cell(1, 9));
            Assert.Equal(new HeatCell(2, 18, 1, 1, 0, 0.0), Cell(2, 18));
            Assert.Equal(new HeatCell(7, 23, 1, 0, 0, null), Cell(7, 23));
            Assert.Equal(new HeatCell(3, 10, 1, 0, 0, null), Cell(3, 10));   // flagged: counted, not rated
            Assert.Equal(device is null ? new HeatCell(4, 9, 2, 2, 2, 1.0) : new HeatCell(4, 9, 0, 0, 0, null), Cell(4, 9));
            Assert.Equal(device is null ? 7 : 5, heat.Cells.Sum(c => c.Dialogues));
        }
    }
}
