using Dapper;
using Iot.Cloud.Bridge.Persistence;
using Iot.Cloud.Pipeline.Jobs;
using Iot.Protocol.Messages;

namespace Iot.Cloud.Pipeline.Tests.Jobs;

/// <summary>The bridge's chunk insert is the producer of build-dialogues jobs.</summary>
public sealed class ChunkEnqueueTests
{
    private long _seq;

    [Fact]
    public async Task A_batch_of_chunks_enqueues_exactly_one_build_dialogues_job_per_device_that_got_new_chunks()
    {
        await using var rig = await QueueRig.CreateAsync();
        var repository = await RepositoryAsync(rig, "pos-1", "pos-2", "pos-3");

        var outcome = await repository.InsertAsync([.. Chunks("pos-1", 5), .. Chunks("pos-2", 3)], "bridge-1", CancellationToken.None);
        Assert.Equal(8, outcome.Inserted.Count);

        var jobs = await JobsAsync(rig);
        Assert.Equal(["pos-1", "pos-2"], jobs.Select(j => j.DedupKey));
        Assert.All(jobs, j => Assert.Equal(("build-dialogues", "queued", (short)0), (j.Kind, j.Status, j.Priority)));
        Assert.Equal($$"""{"deviceId": "pos-1"}""", jobs[0].Payload);
        Assert.Equal("pos-2", BuildDialoguesJob.Parse(jobs[1].Payload).DeviceId);

        // A burst for a device that already has a pending job adds nothing; a replayed batch adds nothing either.
        var more = Chunks("pos-1", 4);
        await repository.InsertAsync(more, "bridge-1", CancellationToken.None);
        var replay = await repository.InsertAsync(more, "bridge-1", CancellationToken.None);
        Assert.Empty(replay.Inserted);
        Assert.Equal(2, (await JobsAsync(rig)).Count);
    }

    [Fact]
    public async Task A_chunk_stored_while_its_devices_job_runs_causes_one_more_build_after_it()
    {
        await using var rig = await QueueRig.CreateAsync();
        var repository = await RepositoryAsync(rig, "pos-1");
        await repository.InsertAsync(Chunks("pos-1", 1), "bridge-1", CancellationToken.None);
        var running = Assert.Single(await rig.Queue.ClaimAsync("w", 1, TimeSpan.FromMinutes(1), null, CancellationToken.None));

        await repository.InsertAsync(Chunks("pos-1", 2), "bridge-1", CancellationToken.None);
        await repository.InsertAsync(Chunks("pos-1", 2), "bridge-1", CancellationToken.None);
        Assert.True(await rig.Queue.CompleteAsync(running, "w", CancellationToken.None));

        var job = Assert.Single(await JobsAsync(rig));
        Assert.Equal("queued", job.Status);
        var rerun = Assert.Single(await rig.Queue.ClaimAsync("w", 5, TimeSpan.FromMinutes(1), null, CancellationToken.None));
        Assert.True(await rig.Queue.CompleteAsync(rerun, "w", CancellationToken.None));
        Assert.Equal("done", Assert.Single(await JobsAsync(rig)).Status);
    }

    [Fact]
    public async Task A_failed_chunk_insert_leaves_no_job_behind()
    {
        await using var rig = await QueueRig.CreateAsync();
        var repository = await RepositoryAsync(rig, "pos-1");

        // The second device is not registered: the foreign key fails the whole batch, job included.
        await Assert.ThrowsAsync<Npgsql.PostgresException>(() => repository.InsertAsync([.. Chunks("pos-1", 1), .. Chunks("ghost", 1)], "bridge-1", CancellationToken.None));

        Assert.Empty(await JobsAsync(rig));
    }

    private static async Task<ChunkRepository> RepositoryAsync(QueueRig rig, params string[] devices)
    {
        var registry = new DeviceRegistry(rig.DataSource, TimeProvider.System);
        foreach (var device in devices)
        {
            await registry.EnsureAsync("acme", device, CancellationToken.None);
        }

        return new ChunkRepository(rig.DataSource, rig.Queue);
    }

    private List<ChunkRow> Chunks(string deviceId, int count) =>
        Enumerable.Range(0, count).Select(_ => new ChunkRow(
            new ChunkMetadata
            {
                ChunkId = Guid.CreateVersion7(),
                TenantId = "acme",
                DeviceId = deviceId,
                Sequence = Interlocked.Increment(ref _seq),
                StartedAtUtc = DateTimeOffset.UtcNow,
                DurationMs = 1000,
                SampleRate = 16000,
                Codec = "opus",
                ByteLength = 0,
                Sha256 = new string('0', 64),
                AudioIncluded = false,
            },
            null)).ToList();

    private static async Task<List<Job>> JobsAsync(QueueRig rig)
    {
        await using var c = await rig.DataSource.OpenConnectionAsync();
        return (await c.QueryAsync<Job>("SELECT kind AS Kind, status AS Status, priority AS Priority, dedup_key AS DedupKey, payload::text AS Payload FROM jobs ORDER BY dedup_key")).ToList();
    }

    private sealed record Job(string Kind, string Status, short Priority, string DedupKey, string Payload);
}
