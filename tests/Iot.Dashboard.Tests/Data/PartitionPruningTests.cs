using System.Text.Json;
using Dapper;
using Iot.Cloud.Data.Partitions;
using Iot.Dashboard.Auth;
using Iot.Dashboard.Data;
using Iot.Dashboard.Dialogues;
using Iot.Dashboard.Overview;
using Iot.TestSupport;
using Npgsql;

namespace Iot.Dashboard.Tests.Data;

/// <summary>
/// dialogues is partitioned by month (migration 0041). The list and overview carry a started_at range, so PostgreSQL
/// reads only the months asked for, under row security as the dashboard role, with the parameters the API binds.
/// </summary>
public sealed class PartitionPruningTests
{
    private static readonly DateTimeOffset February = new(2031, 2, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task The_dialogue_list_for_one_month_scans_only_that_months_partition()
    {
        var db = await FourMonthsAsync();
        var filter = new DialogueFilter { From = February, To = February.AddMonths(1) };
        var sql = DialogueQueries.BuildSql(filter, includeDeleted: false, filter.EffectivePageSize + 1, out var args);

        var scanned = await DialoguePartitionsAsync(db, sql, args);

        Assert.Equal(new[] { "dialogues_p2031_02" }, scanned);
    }

    [Fact]
    public async Task A_later_page_of_the_newest_first_list_skips_the_months_after_its_cursor()
    {
        var db = await FourMonthsAsync();
        var first = await new DialogueQueries(db, new Iot.Dashboard.Audio.JoinedAudioCache(Microsoft.Extensions.Options.Options.Create(new Iot.Dashboard.Hosting.DashboardOptions()), new Iot.Cloud.Storage.Local.LocalAudioStore(Path.GetTempPath(), "partition-tests")), TimeProvider.System).ListAsync(new DialogueFilter { From = February, To = February.AddMonths(1) }, false, default);
        var filter = new DialogueFilter { Cursor = first.NextCursor };
        var sql = DialogueQueries.BuildSql(filter, includeDeleted: false, filter.EffectivePageSize + 1, out var args);

        var scanned = await DialoguePartitionsAsync(db, sql, args);

        Assert.DoesNotContain("dialogues_p2031_03", scanned);
        Assert.DoesNotContain("dialogues_p2031_04", scanned);
        Assert.Contains("dialogues_p2031_02", scanned);
    }

    [Fact]
    public async Task The_overview_for_one_month_scans_only_that_months_partition()
    {
        var db = await FourMonthsAsync();

        var end = February.AddMonths(1);
        var scanned = await DialoguePartitionsAsync(db, OverviewQueries.KpiSql, new
        {
            los = new[] { February.UtcDateTime },
            his = new[] { end.UtcDateTime },
            zone = "Etc/UTC",
            useRollup = false,
            firstDay = February.UtcDateTime,
            endDay = end.UtcDateTime,
            dirty = Array.Empty<DateTime>(),
            start = February.UtcDateTime,
            end = end.UtcDateTime,
        });

        Assert.Equal(new[] { "dialogues_p2031_02" }, scanned);
    }

    /// <summary>Tenant acme with a dialogue every 2 hours from January to April 2031, each month in its own partition.</summary>
    private static async Task<TenantDb> FourMonthsAsync()
    {
        var connectionString = await TestDatabase.CreateAsync("iot_dash_parts");
        await using (var c = new NpgsqlConnection(connectionString))
        {
            await c.OpenAsync();
            await c.ExecuteAsync(
                """
                INSERT INTO tenants (tenant_id, name) VALUES ('acme', 'Acme');
                INSERT INTO branches (branch_id, tenant_id, name) VALUES ('acme-north', 'acme', 'North');
                INSERT INTO devices (device_id, tenant_id, branch_id) VALUES ('acme-d1', 'acme', 'acme-north');
                INSERT INTO dialogues (dialogue_id, tenant_id, branch_id, device_id, started_at, ended_at, status)
                SELECT gen_random_uuid(), 'acme', 'acme-north', 'acme-d1', t, t + interval '1 minute', 'closed'
                FROM generate_series(timestamptz '2031-01-01 00:30Z', timestamptz '2031-04-30 23:00Z', interval '2 hours') t;
                """);
            // As the daily job would have done before each month began (the rows were stored ahead, into DEFAULT).
            await MonthlyPartitions.MaintainAsync(c, 0, new DateTimeOffset(2031, 4, 15, 0, 0, 0, TimeSpan.Zero), null, default);
            await c.ExecuteAsync("ANALYZE dialogues");
            Assert.Equal(0L, await c.ExecuteScalarAsync<long>("SELECT count(*) FROM dialogues_default"));
        }

        return new TenantDb(NpgsqlDataSource.Create(connectionString), new TenantScope("acme", Guid.NewGuid().ToString(), "test@acme", Roles.Admin, null));
    }

    private static async Task<List<string>> DialoguePartitionsAsync(TenantDb db, string sql, object args)
    {
        var plan = Assert.Single(await db.QueryAsync<string>("EXPLAIN (FORMAT JSON) " + sql, args, default));
        var relations = new List<string>();
        void Walk(JsonElement e)
        {
            if (e.ValueKind == JsonValueKind.Object)
            {
                if (e.TryGetProperty("Relation Name", out var name))
                {
                    relations.Add(name.GetString()!);
                }

                foreach (var p in e.EnumerateObject())
                {
                    Walk(p.Value);
                }
            }
            else if (e.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in e.EnumerateArray())
                {
                    Walk(item);
                }
            }
        }

        using var json = JsonDocument.Parse(plan);
        Walk(json.RootElement);
        return [.. relations.Where(r => r.StartsWith("dialogues", StringComparison.Ordinal)).Distinct().Order(StringComparer.Ordinal)];
    }
}
