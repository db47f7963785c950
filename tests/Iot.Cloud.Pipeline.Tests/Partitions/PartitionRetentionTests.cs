using Dapper;
using Iot.Cloud.Data.Partitions;
using Iot.Cloud.Pipeline.Hosting;
using Iot.Cloud.Pipeline.Retention;
using Iot.Cloud.Pipeline.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Iot.Cloud.Pipeline.Tests.Partitions;

public sealed class PartitionRetentionTests
{
    private static readonly DateTimeOffset Now = new(2031, 5, 10, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Dropping_partitions_removes_only_the_months_before_the_kept_window_and_chunks_wait_for_audio_retention()
    {
        await using var db = await PipelineDatabase.CreateAsync();
        await using var c = await db.DataSource.OpenConnectionAsync();
        var january = await MonthRows.SeedAsync(c, new DateTime(2031, 1, 20, 9, 0, 0, DateTimeKind.Utc));
        var february = await MonthRows.SeedAsync(c, new DateTime(2031, 2, 27, 9, 0, 0, DateTimeKind.Utc));
        var march = await MonthRows.SeedAsync(c, new DateTime(2031, 3, 1, 0, 0, 0, DateTimeKind.Utc));
        var may = await MonthRows.SeedAsync(c, new DateTime(2031, 5, 9, 9, 0, 0, DateTimeKind.Utc));

        // Off by default: the job only keeps partitions ready (and moves the seeded months out of DEFAULT).
        Assert.Empty(await Handler(db, partitionMonths: 0).PartitionsAsync(CancellationToken.None));
        Assert.Equal(4L, await c.ExecuteScalarAsync<long>("SELECT count(*) FROM dialogues"));
        Assert.Equal(0, (await MonthRows.ByPartitionAsync(c, "dialogues")).GetValueOrDefault("dialogues_default"));

        // Keep two whole months before May: March and April onwards stay.
        var dropped = await Handler(db, partitionMonths: 2).PartitionsAsync(CancellationToken.None);

        Assert.Equal(new[] { march, may }, await c.QueryAsync<Guid>("SELECT dialogue_id FROM dialogues ORDER BY started_at"));
        Assert.Equal(new[] { march, may }, await c.QueryAsync<Guid>("SELECT dialogue_id FROM dialogue_segments ORDER BY started_at"));
        Assert.Equal(2L, await c.ExecuteScalarAsync<long>("SELECT count(*) FROM transcripts WHERE dialogue_id IN (@march, @may)", new { march, may }));
        Assert.Equal(0L, await c.ExecuteScalarAsync<long>("SELECT count(*) FROM transcripts WHERE dialogue_id IN (@january, @february)", new { january, february }));
        Assert.Equal(0L, await c.ExecuteScalarAsync<long>("SELECT count(*) FROM analyses WHERE dialogue_id IN (@january, @february)", new { january, february }));
        // Chunk months also wait for the 90 days of audio retention: February ends after 10 February, so it stays.
        Assert.Equal(3L, await c.ExecuteScalarAsync<long>("SELECT count(*) FROM chunks"));
        Assert.Contains(dropped, p => p.Name == "chunks_p2031_01");
        Assert.DoesNotContain(dropped, p => p.Name == "chunks_p2031_02");
        Assert.Contains(dropped, p => p.Name == "dialogues_p2031_02");
        Assert.All(await MonthlyPartitions.ListAsync(c, "dialogues", CancellationToken.None), p => Assert.True(p.From >= new DateTime(2031, 3, 1, 0, 0, 0, DateTimeKind.Utc), p.Name));
        Assert.Equal(
            dropped.Select(p => p.Table + ":" + p.Name).Order(StringComparer.Ordinal),
            (await c.QueryAsync<string>("SELECT target FROM audit_log WHERE action = 'retention.partition_drop' AND actor = 'system:retention'")).Order(StringComparer.Ordinal));

        // The next day finds nothing more to drop.
        Assert.Empty(await Handler(db, partitionMonths: 2).PartitionsAsync(CancellationToken.None));
    }

    [Fact]
    public async Task A_chunk_month_that_still_has_audio_files_is_not_dropped()
    {
        await using var db = await PipelineDatabase.CreateAsync();
        await using var c = await db.DataSource.OpenConnectionAsync();
        await MonthRows.SeedAsync(c, new DateTime(2030, 6, 1, 9, 0, 0, DateTimeKind.Utc));
        await c.ExecuteAsync("UPDATE chunks SET storage_path = 'recordings/x.opus', audio_purged_at = NULL");
        // As at start-up: the stored month gets its partition (retention itself leaves rows older than its window in DEFAULT).
        await MonthlyPartitions.MaintainAsync(c, 1, Now, null, CancellationToken.None);
        Assert.Contains("chunks_p2030_06", (await MonthlyPartitions.ListAsync(c, "chunks", CancellationToken.None)).Select(p => p.Name));

        var dropped = await Handler(db, partitionMonths: 1).PartitionsAsync(CancellationToken.None);

        Assert.DoesNotContain(dropped, p => p.Table == "chunks" && p.Name == "chunks_p2030_06");
        Assert.Contains(dropped, p => p.Name == "dialogues_p2030_06");
        Assert.Equal(1L, await c.ExecuteScalarAsync<long>("SELECT count(*) FROM chunks"));
    }

    [Theory]
    [InlineData(-1, 3, "Pipeline:Retention:PartitionMonths -1 must be 0..1200")]
    [InlineData(0, 0, "Pipeline:Retention:PartitionMonthsAhead 0 must be 1..24")]
    public void Bad_partition_settings_stop_start_up_naming_the_key(int months, int ahead, string message)
    {
        var result = new RetentionOptionsValidator().Validate(null, new RetentionOptions { PartitionMonths = months, PartitionMonthsAhead = ahead });

        Assert.True(result.Failed);
        Assert.StartsWith(message, result.FailureMessage, StringComparison.Ordinal);
    }

    private static RetentionHandler Handler(PipelineDatabase db, int partitionMonths) => new(
        db.DataSource,
        Options.Create(new RetentionOptions { PartitionMonths = partitionMonths, PartitionMonthsAhead = 1 }),
        new Iot.Cloud.Storage.Local.LocalAudioStore("/nonexistent", "pipeline-tests"),
        new FakeTimeProvider(Now),
        NullLogger<RetentionHandler>.Instance);
}
