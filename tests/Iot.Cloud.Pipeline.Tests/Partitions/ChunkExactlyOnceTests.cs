using Dapper;
using Iot.Cloud.Bridge.Persistence;
using Iot.Cloud.Pipeline.Tests.Jobs;
using Iot.Protocol.Messages;
using Npgsql;

namespace Iot.Cloud.Pipeline.Tests.Partitions;

/// <summary>
/// chunks is partitioned by started_at, so its key is (chunk_id, started_at). Exactly-once ingest still rests on the
/// database: a redelivery carries the metadata the device fixed in its outbox, start included.
/// </summary>
public sealed class ChunkExactlyOnceTests
{
    [Fact]
    public async Task A_replay_with_identical_metadata_is_a_duplicate_even_when_two_bridges_store_it_at_once()
    {
        await using var rig = await QueueRig.CreateAsync();
        var repository = await RepositoryAsync(rig);
        var chunk = Chunk(new DateTimeOffset(2026, 10, 31, 23, 59, 30, TimeSpan.Zero));

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 4).Select(i => repository.InsertAsync([chunk], $"bridge-{i}", CancellationToken.None)));
        var replay = await repository.InsertAsync([chunk], "bridge-1", CancellationToken.None);

        Assert.Equal(1, outcomes.Sum(o => o.Inserted.Count));
        Assert.Empty(replay.Inserted);
        Assert.Equal(chunk.Metadata.Sha256, replay.ExistingHashes[chunk.Metadata.ChunkId]);
        Assert.Equal(1L, await CountAsync(rig, chunk.Metadata.ChunkId));
    }

    [Fact]
    public async Task The_same_chunk_id_with_another_start_is_not_stored_a_second_time()
    {
        await using var rig = await QueueRig.CreateAsync();
        var repository = await RepositoryAsync(rig);
        var chunk = Chunk(new DateTimeOffset(2026, 10, 31, 23, 59, 30, TimeSpan.Zero));
        await repository.InsertAsync([chunk], "bridge-1", CancellationToken.None);

        // Another month, so another partition: only the writer's check can see the first row.
        var moved = chunk with { Metadata = chunk.Metadata with { StartedAtUtc = chunk.Metadata.StartedAtUtc.AddMonths(1) } };
        var outcome = await repository.InsertAsync([moved], "bridge-1", CancellationToken.None);

        Assert.Empty(outcome.Inserted);
        Assert.True(outcome.ExistingHashes.ContainsKey(chunk.Metadata.ChunkId));
        Assert.Equal(1L, await CountAsync(rig, chunk.Metadata.ChunkId));
    }

    [Fact]
    public async Task The_database_itself_refuses_a_second_row_with_the_same_chunk_id_and_start()
    {
        await using var rig = await QueueRig.CreateAsync();
        await RepositoryAsync(rig);
        await using var c = await rig.DataSource.OpenConnectionAsync();
        const string insert = """
            INSERT INTO chunks (chunk_id, tenant_id, device_id, seq, started_at, duration_ms, sample_rate, codec, byte_length, sha256, audio_included, bridge_id)
            VALUES ('00000000-0000-7000-8000-000000000001', 'acme', 'pos-1', 1, '2026-10-31T23:59:30Z', 1000, 16000, 'opus', 0, repeat('0', 64), false, 'b')
            """;
        await c.ExecuteAsync(insert);

        var error = await Assert.ThrowsAsync<PostgresException>(() => c.ExecuteAsync(insert));

        Assert.Equal(PostgresErrorCodes.UniqueViolation, error.SqlState);
    }

    private static async Task<ChunkRepository> RepositoryAsync(QueueRig rig)
    {
        await new DeviceRegistry(rig.DataSource, TimeProvider.System).EnsureAsync("acme", "pos-1", CancellationToken.None);
        return new ChunkRepository(rig.DataSource, rig.Queue);
    }

    private static async Task<long> CountAsync(QueueRig rig, Guid chunkId)
    {
        await using var c = await rig.DataSource.OpenConnectionAsync();
        return await c.ExecuteScalarAsync<long>("SELECT count(*) FROM chunks WHERE chunk_id = @chunkId", new { chunkId });
    }

    private static ChunkRow Chunk(DateTimeOffset startedAt) => new(
        new ChunkMetadata
        {
            ChunkId = Guid.CreateVersion7(),
            TenantId = "acme",
            DeviceId = "pos-1",
            Sequence = 1,
            StartedAtUtc = startedAt,
            DurationMs = 1000,
            SampleRate = 16000,
            Codec = "opus",
            ByteLength = 0,
            Sha256 = new string('a', 64),
            AudioIncluded = false,
        },
        null);
}
