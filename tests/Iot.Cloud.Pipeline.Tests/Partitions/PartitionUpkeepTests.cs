using Dapper;
using Iot.Cloud.Data.Partitions;
using Iot.Cloud.Pipeline.Tests.Support;

namespace Iot.Cloud.Pipeline.Tests.Partitions;

public sealed class PartitionUpkeepTests
{
    private static readonly DateTimeOffset Now = new(2031, 5, 10, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_far_future_row_is_caught_by_DEFAULT_and_reported_while_a_row_of_a_missing_month_gets_its_partition()
    {
        await using var db = await PipelineDatabase.CreateAsync();
        await using var c = await db.DataSource.OpenConnectionAsync();
        var march = new DateTime(2031, 3, 15, 10, 0, 0, DateTimeKind.Utc);
        var clockError = new DateTime(2099, 12, 31, 0, 0, 0, DateTimeKind.Utc);

        // Neither month has a partition yet; neither insert may fail.
        await MonthRows.SeedAsync(c, march);
        await MonthRows.SeedAsync(c, clockError);
        Assert.Equal(2, (await MonthRows.ByPartitionAsync(c, "dialogues"))["dialogues_default"]);

        var upkeep = (await MonthlyPartitions.MaintainAsync(c, 2, Now, null, CancellationToken.None)).ToDictionary(u => u.Table);

        foreach (var table in MonthlyPartitions.Tables)
        {
            Assert.Equal(1, upkeep[table].RowsMoved);
            Assert.Equal(1, upkeep[table].RowsInDefault);
            Assert.Equal(4, upkeep[table].PartitionsCreated); // May, June, July ahead + March for the stranded row
            var rows = await MonthRows.ByPartitionAsync(c, table);
            Assert.Equal(1, rows[$"{table}_p2031_03"]);
            Assert.Equal(1, rows[$"{table}_default"]);
        }

        var months = (await MonthlyPartitions.ListAsync(c, "chunks", CancellationToken.None)).Select(p => p.Name).ToList();
        Assert.Contains("chunks_p2031_07", months);
        Assert.DoesNotContain("chunks_p2031_08", months);

        var again = await MonthlyPartitions.MaintainAsync(c, 2, Now, null, CancellationToken.None);
        Assert.All(again, u => Assert.Equal((0, 0L, 1L), (u.PartitionsCreated, u.RowsMoved, u.RowsInDefault)));
        // The moved rows keep their links: transcript and segment still find their dialogue.
        Assert.Equal(2L, await c.ExecuteScalarAsync<long>("SELECT count(*) FROM dialogues d JOIN transcripts t USING (dialogue_id) JOIN dialogue_segments s USING (dialogue_id)"));
    }
}
