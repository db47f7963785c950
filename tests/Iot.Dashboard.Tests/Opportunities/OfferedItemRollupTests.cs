using Dapper;
using Iot.Dashboard.Data;
using Iot.Dashboard.Opportunities;
using Iot.Dashboard.Overview;
using Iot.Dashboard.Tests.Infrastructure;
using Iot.TestSupport;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace Iot.Dashboard.Tests.Opportunities;

/// <summary>
/// Top offered items read through <c>offered_item_rollup</c> (migration 0067, kept by <see cref="OverviewRollup"/>) give
/// what a raw read of the period gives, for any filter and scope; a changed day is read raw at once.
/// </summary>
public sealed class OfferedItemRollupTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 11, 20, 12, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _time = new(Now);
    private readonly TempDirectory _storage = new("offered-item-rollup");
    private NpgsqlDataSource _db = null!;
    private OpportunitySeed _seed = null!;

    public async Task InitializeAsync()
    {
        var connectionString = await TestDatabase.CreateAsync("offered_items");
        await SeedData.WriteAsync(connectionString, _storage.Path);
        _seed = await OpportunitySeed.WriteAsync(connectionString, reviews: false);
        _db = NpgsqlDataSource.Create(connectionString);
    }

    public async Task DisposeAsync()
    {
        await _db.DisposeAsync();
        _storage.Dispose();
    }

    private OpportunityQueries Queries(string[]? branches = null) =>
        new(new TenantDb(_db, new TenantScope("acme", "u1", "test@acme", "admin", branches)), _time);

    [Fact]
    public async Task Rolled_up_items_equal_a_raw_read_for_every_filter_and_a_changed_day_is_read_raw()
    {
        await new OverviewRollup(_db, _time).RunOnceAsync(CancellationToken.None);
        var filters = new OpportunityFilter[]
        {
            new() { From = "2026-11-09", To = "2026-11-13" },
            new() { From = "2026-11-01", To = "2026-11-20", Sort = "acceptanceRate" },
            new() { From = "2026-11-09", To = "2026-11-13", Branch = "acme-north", Sort = "-item" },
            new() { From = "2026-11-09", To = "2026-11-13", Device = "acme-d2" },
            new() { From = "2026-11-09", To = "2026-11-13", Operator = "op-dora", Sort = "category" },
            new() { From = "2026-11-01", To = "2026-11-20", Branch = "acme-south", Device = "acme-d2", Operator = "op-dora" },
        };
        foreach (var filter in filters)
        {
            foreach (var branches in new[] { null, new[] { "acme-south" } })
            {
                var raw = await Queries(branches).ItemsAsync(filter, rawOnly: true, CancellationToken.None);
                Assert.Equivalent(raw, await Queries(branches).ItemsAsync(filter, CancellationToken.None), strict: true);
            }
        }

        // Proof the week came from the roll-up: a tampered row shows through...
        var week = new OpportunityFilter { From = "2026-11-09", To = "2026-11-13" };
        var before = (await Queries().ItemsAsync(week, CancellationToken.None)).Items.Single(i => i.Item == "premium warranty").Offered;
        await using (var c = await _db.OpenConnectionAsync())
        {
            Assert.True(await c.ExecuteAsync("UPDATE offered_item_rollup SET offered = offered + 100 WHERE tenant_id = 'acme' AND item = 'premium warranty'") > 0);
        }

        var tampered = (await Queries().ItemsAsync(week, CancellationToken.None)).Items.Single(i => i.Item == "premium warranty").Offered;
        Assert.True(tampered >= before + 100, $"tampered roll-up not read: {before} -> {tampered}");

        // ...and an operator filter reads the per-operator grain (migration 0069), not the raw rows.
        var dora = new OpportunityFilter { From = "2026-11-09", To = "2026-11-13", Operator = "op-dora" };
        var doraItem = (await Queries().ItemsAsync(dora, CancellationToken.None)).Items[0];
        int doraRows;
        await using (var c = await _db.OpenConnectionAsync())
        {
            doraRows = await c.ExecuteAsync(
                "UPDATE offered_item_rollup SET offered = offered + 1000 WHERE grain = 'o' AND operator_id = 'op-dora' AND item = @item AND day BETWEEN '2026-11-09' AND '2026-11-13'",
                new { item = doraItem.Item });
        }

        Assert.True(doraRows > 0);
        Assert.Equal(doraItem.Offered + (1000 * doraRows), (await Queries().ItemsAsync(dora, CancellationToken.None)).Items.Single(i => i.Item == doraItem.Item).Offered);

        // ...until its dialogues change after the pass: those days are read raw again, and the next pass repairs the rows.
        await using (var c = await _db.OpenConnectionAsync())
        {
            // Later than the pass's watermark (the seed writes updated_at on the real clock).
            await c.ExecuteAsync("UPDATE dialogues SET updated_at = (SELECT max(updated_at) FROM dialogues) + interval '1 minute' WHERE tenant_id = 'acme' AND started_at >= '2026-11-09' AND started_at < '2026-11-14'");
        }

        Assert.Equal(before, (await Queries().ItemsAsync(week, CancellationToken.None)).Items.Single(i => i.Item == "premium warranty").Offered);
        await new OverviewRollup(_db, _time).RunOnceAsync(CancellationToken.None);
        Assert.Equivalent(await Queries().ItemsAsync(week, rawOnly: true, CancellationToken.None), await Queries().ItemsAsync(week, CancellationToken.None), strict: true);
    }
}
