using Dapper;
using Iot.Dashboard.Data;
using Iot.Dashboard.Hosting;
using Iot.Dashboard.Overview;
using Iot.TestSupport;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace Iot.Dashboard.Tests.Overview;

/// <summary>
/// The overview read through the daily roll-up must give exactly what a raw count of the period gives, across New York
/// day boundaries and the end of daylight saving time (1 November 2026), for a branch-limited user too.
/// </summary>
public sealed class OverviewRollupTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 11, 12, 15, 30, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _time = new(Now);
    private NpgsqlDataSource _db = null!;

    public async Task InitializeAsync()
    {
        _db = NpgsqlDataSource.Create(await TestDatabase.CreateAsync("rollup"));
        await using var c = await _db.OpenConnectionAsync();
        await c.ExecuteAsync(
            """
            INSERT INTO tenants (tenant_id, name) VALUES ('ny', 'NY'), ('other', 'Other');
            INSERT INTO tenant_settings (tenant_id, time_zone) VALUES ('ny', 'America/New_York');
            INSERT INTO branches (branch_id, tenant_id, name) VALUES ('ny-a', 'ny', 'A'), ('ny-b', 'ny', 'B'), ('o-1', 'other', 'O');
            INSERT INTO devices (device_id, tenant_id, branch_id) VALUES ('ny-d1', 'ny', 'ny-a'), ('ny-d2', 'ny', 'ny-b'), ('o-d1', 'other', 'o-1');
            """);

        // Every 37 minutes from 25 October to today, so every local hour and both sides of each midnight are hit.
        var rows = new List<object>();
        var categories = new[] { "warranty", "insurance", "accessories", "cases", "cables", "service" };
        var i = 0;
        for (var t = new DateTimeOffset(2026, 10, 25, 0, 0, 0, TimeSpan.Zero); t < Now; t = t.AddMinutes(37), i++)
        {
            var (tenant, device, branch) = (i % 5) switch { 0 => ("other", "o-d1", "o-1"), 1 or 2 => ("ny", "ny-d1", "ny-a"), _ => ("ny", "ny-d2", "ny-b") };
            rows.Add(new
            {
                id = Guid.CreateVersion7(),
                tenant,
                device,
                branch,
                started = t.UtcDateTime,
                analysed = i % 4 != 0,
                upsell = i % 3 == 0,
                quality = (short)(i * 13 % 101),
                categories = categories.Where((_, k) => (i + k) % (k + 2) == 0).ToArray(),

                // Every 7th analysis has an unsure transcript: left out of the figures, counted apart (migration 0053).
                flagged = i % 7 == 0 ? "recogniser confidence 0.20 is below 0.45" : null,
            });
        }

        await c.ExecuteAsync(
            """
            INSERT INTO dialogues (dialogue_id, tenant_id, branch_id, device_id, started_at, ended_at, status, updated_at)
            VALUES (@id, @tenant, @branch, @device, @started, @started + interval '1 minute', 'analyzed', '2026-11-12T12:00:00Z');
            INSERT INTO analyses (dialogue_id, engine, upsell_attempted, offered_categories, customer_reaction, sentiment, sentiment_score, quality_score, summary, low_confidence)
            SELECT @id, 'rules', @upsell, @categories, 'none', 'neutral', 0, @quality, 's', @flagged WHERE @analysed;
            """,
            rows);
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    public static TheoryData<string, string> Periods => new()
    {
        { "2026-10-26T00:00:00Z", "2026-11-09T00:00:00Z" },   // UTC midnights: partial New York days at both edges
        { "2026-10-25T04:00:00Z", "2026-11-08T05:00:00Z" },   // New York midnights on both sides of the DST change
        { "2026-10-27T13:17:00Z", "2026-11-12T15:30:00Z" },   // odd start, up to now (today read raw)
        { "2026-10-30T04:00:00Z", "2026-11-20T00:00:00Z" },   // ends in the future
        { "2026-11-05T10:00:00Z", "2026-11-05T20:00:00Z" },   // inside one day: no whole day at all
    };

    [Theory]
    [MemberData(nameof(Periods))]
    public async Task Roll_up_figures_equal_a_raw_count_of_the_period(string from, string to)
    {
        await new OverviewRollup(_db, _time).RunOnceAsync(CancellationToken.None);

        foreach (var branches in new[] { null, new[] { "ny-b" } })
        {
            var queries = Queries(branches);
            var (viaRollup, days) = await queries.ComputeAsync(DateTimeOffset.Parse(from), DateTimeOffset.Parse(to), useRollup: true, CancellationToken.None);
            var (raw, rawDays) = await queries.ComputeAsync(DateTimeOffset.Parse(from), DateTimeOffset.Parse(to), useRollup: false, CancellationToken.None);
            Assert.Equal(0, rawDays);
            Assert.True(from.StartsWith("2026-11-05", StringComparison.Ordinal) ? days == 0 : days >= 13, $"{days} days from the roll-up");
            AssertSame(raw, viaRollup);
            Assert.True(raw.Dialogues > 0);
            Assert.True(raw.LeftOutUnsure > 0 || days == 0, "a period of whole days holds flagged analyses");
        }
    }

    [Fact]
    public async Task A_dialogue_deleted_after_the_last_pass_is_left_out_at_once_and_the_next_pass_catches_up()
    {
        var rollup = new OverviewRollup(_db, _time);
        await rollup.RunOnceAsync(CancellationToken.None);
        var (from, to) = (new DateTimeOffset(2026, 10, 26, 4, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 11, 9, 5, 0, 0, TimeSpan.Zero));
        var (before, _) = await Queries(null).ComputeAsync(from, to, useRollup: true, CancellationToken.None);

        await using (var c = await _db.OpenConnectionAsync())
        {
            await c.ExecuteAsync(
                """
                UPDATE dialogues SET deleted_at = '2026-11-12T15:00:00Z', updated_at = '2026-11-12T15:00:00Z'
                WHERE dialogue_id = (SELECT dialogue_id FROM dialogues WHERE tenant_id = 'ny' AND started_at >= '2026-11-02T12:00:00Z' ORDER BY started_at LIMIT 1)
                """);
        }

        var (dirty, dirtyDays) = await Queries(null).ComputeAsync(from, to, useRollup: true, CancellationToken.None);
        Assert.Equal(before.Dialogues - 1, dirty.Dialogues);
        Assert.Equal(13, dirtyDays);

        await rollup.RunOnceAsync(CancellationToken.None);
        var (caughtUp, days) = await Queries(null).ComputeAsync(from, to, useRollup: true, CancellationToken.None);
        Assert.Equal(14, days);
        AssertSame(dirty, caughtUp);
        AssertSame((await Queries(null).ComputeAsync(from, to, useRollup: false, CancellationToken.None)).Kpis, caughtUp);
    }

    [Fact]
    public async Task A_changed_time_zone_is_read_raw_until_the_tenant_is_rebuilt_in_the_new_zone()
    {
        var rollup = new OverviewRollup(_db, _time);
        await rollup.RunOnceAsync(CancellationToken.None);
        await using (var c = await _db.OpenConnectionAsync())
        {
            await c.ExecuteAsync("UPDATE tenant_settings SET time_zone = 'Asia/Tokyo' WHERE tenant_id = 'ny'");
        }

        var (from, to) = (new DateTimeOffset(2026, 10, 26, 15, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 11, 9, 15, 0, 0, TimeSpan.Zero));
        var (stale, staleDays) = await Queries(null).ComputeAsync(from, to, useRollup: true, CancellationToken.None);
        Assert.Equal(0, staleDays);
        Assert.Equal("Asia/Tokyo", stale.TimeZone);

        var run = await rollup.RunOnceAsync(CancellationToken.None);
        Assert.Equal(1, run!.TenantsRebuilt);
        var (rebuilt, days) = await Queries(null).ComputeAsync(from, to, useRollup: true, CancellationToken.None);
        Assert.Equal(14, days);
        AssertSame(stale, rebuilt);
    }

    private OverviewQueries Queries(string[]? branches) =>
        new(new TenantDb(_db, new TenantScope("ny", "u1", "test@ny", "admin", branches)), _time, Options.Create(new DashboardOptions()));

    private static void AssertSame(OverviewKpis expected, OverviewKpis actual)
    {
        Assert.Equal(expected.Dialogues, actual.Dialogues);
        Assert.Equal(expected.Analyzed, actual.Analyzed);
        Assert.Equal(expected.UpsellRate, actual.UpsellRate);
        Assert.Equal(expected.AverageQuality, actual.AverageQuality);
        Assert.Equal(expected.HourlyActivity, actual.HourlyActivity);
        Assert.Equal(expected.TopCategories, actual.TopCategories);
        Assert.Equal(expected.QualityDistribution, actual.QualityDistribution);
        Assert.Equal(expected.LeftOutUnsure, actual.LeftOutUnsure);
    }
}
