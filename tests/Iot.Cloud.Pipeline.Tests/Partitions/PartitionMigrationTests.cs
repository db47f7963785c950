using Dapper;
using Iot.Cloud.Data;
using Iot.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Iot.Cloud.Pipeline.Tests.Partitions;

/// <summary>Migration 0041 converts tables that already hold data; nothing may be lost, moved to the wrong month or left unprotected.</summary>
public sealed class PartitionMigrationTests
{
    [Fact]
    public async Task Rows_stored_before_the_conversion_land_in_their_months_with_scope_grants_and_row_security_intact()
    {
        var connectionString = await TestDatabase.CreateAsync("iot_parts", migrate: false);
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        var migrator = new DatabaseMigrator(dataSource, NullLogger<DatabaseMigrator>.Instance);
        await migrator.MigrateAsync(name => string.CompareOrdinal(name, "0031") < 0, CancellationToken.None);

        var now = DateTime.UtcNow;
        var tenMonthsAgo = new DateTime(now.Year, now.Month, 10, 12, 0, 0, DateTimeKind.Utc).AddMonths(-10);
        var fiveMonthsAgo = tenMonthsAgo.AddMonths(5);
        var farFuture = new DateTime(2099, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        Guid old;
        await using (var c = await dataSource.OpenConnectionAsync())
        {
            Assert.False(await IsPartitionedAsync(c, "dialogues"));
            await c.ExecuteAsync(
                """
                INSERT INTO tenants (tenant_id, name) VALUES ('t1', 'T1'), ('t2', 'T2');
                INSERT INTO branches (branch_id, tenant_id, name) VALUES ('b1', 't1', 'B1');
                INSERT INTO devices (device_id, tenant_id, branch_id) VALUES ('d1', 't1', 'b1');
                """);
            old = await MonthRows.SeedAsync(c, tenMonthsAgo, "warranty");
            await MonthRows.SeedAsync(c, tenMonthsAgo.AddDays(1));
            await MonthRows.SeedAsync(c, fiveMonthsAgo);
            await MonthRows.SeedAsync(c, farFuture);
        }

        await migrator.MigrateAsync(CancellationToken.None);

        await using var db = await dataSource.OpenConnectionAsync();
        foreach (var table in new[] { "chunks", "dialogue_segments", "dialogues" })
        {
            Assert.True(await IsPartitionedAsync(db, table));
            var rows = await MonthRows.ByPartitionAsync(db, table);
            Assert.Equal(2, rows[MonthRows.Month(table, tenMonthsAgo)]);
            Assert.Equal(1, rows[MonthRows.Month(table, fiveMonthsAgo)]);
            Assert.Equal(1, rows[table + "_default"]);
            Assert.Equal(4, rows.Values.Sum());
            // The migrator's start-up upkeep: this month and three ahead exist before anything is stored in them.
            var ahead = (await db.QueryAsync<string>("SELECT partition_name FROM iot_partitions(@table)", new { table })).ToHashSet();
            Assert.Contains(MonthRows.Month(table, now.AddMonths(3)), ahead);
        }

        Assert.Equal(4L, await db.ExecuteScalarAsync<long>("SELECT count(*) FROM transcripts t JOIN dialogues d USING (dialogue_id)"));
        Assert.Equal(("t1", "b1"), await db.QuerySingleAsync<(string, string)>("SELECT tenant_id, branch_id FROM dialogue_segments WHERE dialogue_id = @old", new { old }));

        // The dashboard role still reads through row security (its grant moved to the new tables) and may soft-delete,
        // which the scope trigger pushes to the analysis.
        await using (var tx = await db.BeginTransactionAsync())
        {
            await db.ExecuteAsync("SET LOCAL ROLE iot_dashboard_app; SELECT set_config('app.tenant_id', 't1', true), set_config('app.branches', '*', true)", transaction: tx);
            Assert.Equal(4L, await db.ExecuteScalarAsync<long>("SELECT count(*) FROM dialogues", transaction: tx));
            Assert.Equal(4L, await db.ExecuteScalarAsync<long>("SELECT count(*) FROM chunks", transaction: tx));
            Assert.Equal(1, await db.ExecuteAsync("UPDATE dialogues SET deleted_at = now(), updated_at = now() WHERE dialogue_id = @old", new { old }, tx));
            await db.ExecuteAsync("SELECT set_config('app.tenant_id', 't2', true)", transaction: tx);
            Assert.Equal(0L, await db.ExecuteScalarAsync<long>("SELECT count(*) FROM dialogues", transaction: tx));
            Assert.Equal(0L, await db.ExecuteScalarAsync<long>("SELECT count(*) FROM dialogue_segments", transaction: tx));
            await tx.CommitAsync();
        }

        Assert.True(await db.ExecuteScalarAsync<bool>("SELECT dialogue_deleted FROM analyses WHERE dialogue_id = @old", new { old }));

        // A new segment still gets its dialogue's scope from the trigger, now on the partitioned table.
        await db.ExecuteAsync(
            "INSERT INTO dialogue_segments (chunk_id, start_ms, end_ms, dialogue_id, started_at, offset_ms) SELECT chunk_id, 6000, 7000, @old, started_at + interval '6 seconds', 6000 FROM dialogue_segments WHERE dialogue_id = @old",
            new { old });
        Assert.Equal(2L, await db.ExecuteScalarAsync<long>("SELECT count(*) FROM dialogue_segments WHERE dialogue_id = @old AND tenant_id = 't1' AND branch_id = 'b1'", new { old }));
    }

    private static async Task<bool> IsPartitionedAsync(NpgsqlConnection c, string table) =>
        await c.ExecuteScalarAsync<bool>("SELECT relkind = 'p' FROM pg_class WHERE oid = to_regclass(@table)", new { table });
}
