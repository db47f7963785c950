using System.Security.Cryptography;
using Iot.Cloud.Bridge.Ingest;
using Iot.Cloud.Bridge.Storage;
using Iot.Cloud.Pipeline.Retention;
using Iot.Cloud.Storage;
using Iot.Integration.Tests.Infrastructure;
using Iot.Protocol.Chunks;
using Iot.Protocol.Messages;
using Iot.Protocol.Topics;
using Iot.TestSupport;
using Iot.TestSupport.ObjectStore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace Iot.Integration.Tests.Storage;

/// <summary>
/// A chunk whose first copy's audio was left without a row (its bridge died between the PUT and the commit) comes back
/// late, past the orphan sweep's grace. The bridge finds the old object (same hash) and keeps it; if the sweep deletes
/// that object before the bridge commits, the bridge must store the audio again before the row and the ack.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class OrphanSweepRaceTests(PostgresServer postgres)
{
    [Theory]
    [InlineData("local")]
    [InlineData("s3")]
    public async Task A_late_resend_whose_old_audio_the_sweep_deletes_before_the_commit_is_stored_again_before_its_row_and_ack(string kind)
    {
        using var dir = new TempDirectory();
        var db = await postgres.CreateDatabaseAsync();
        var extra = new Dictionary<string, string?>();
        if (kind == "s3")
        {
            var ceph = await CephS3.SharedAsync();
            extra = new Dictionary<string, string?>(ceph.Settings("Storage", await ceph.CreateBucketAsync("orphan-race")));
        }

        var (metadata, audio) = RandomChunk.For("pos-1", 4000);
        var key = RecordingStore.RelativePath(metadata);
        var hook = new SweepBeforeCommit(metadata.ChunkId);
        var port = FreePort.Next();
        await using var bridge = await BridgeNode.StartAsync(
            new BridgeSettings(db, dir.Sub("state"), port, External: false) { SeedDevices = ["acme/pos-1"], Extra = extra },
            hook);
        var store = bridge.Services.GetRequiredService<IAudioStore>();
        await using var dataSource = NpgsqlDataSource.Create(db);
        // Two hours on: the first copy's object is past the grace, so the sweep takes it for an orphan.
        hook.Sweep = new OrphanAudioSweep(dataSource, store, new RetentionOptions(), new FakeTimeProvider(DateTimeOffset.UtcNow.AddHours(2)), NullLogger.Instance);

        // The first attempt: the object is stored, the bridge dies before the row.
        Assert.Equal(PutOutcome.Written, await store.PutAsync(key, audio, metadata.Sha256, CancellationToken.None));
        await using var device = await ProbeClient.ConnectAsync(port);
        await device.PublishAsync(TopicTree.Chunk("acme", "pos-1"), ChunkEnvelope.Encode(metadata, audio));
        var ack = await device.WaitForAckAsync((_, a) => a.ChunkId == metadata.ChunkId);

        Assert.Equal(AckStatus.Stored, ack.Status);
        Assert.Equal(1, hook.Report?.Deleted);
        var row = Assert.Single(await new ChunkTable(db).AllAsync());
        Assert.Equal(key, row.StoragePath);
        await using (var stored = await store.OpenReadAsync(key, null, CancellationToken.None))
        {
            Assert.NotNull(stored);
            Assert.Equal(metadata.Sha256, Convert.ToHexStringLower(await SHA256.HashDataAsync(stored)));
        }

        Assert.Equal(1, bridge.Metrics.AudioRestored);
    }

    /// <summary>Runs the whole orphan sweep when the chunk's batch has its audio and has not begun its commit.</summary>
    private sealed class SweepBeforeCommit(Guid chunkId) : IIngestHook
    {
        public OrphanAudioSweep? Sweep { get; set; }

        public OrphanSweepReport? Report { get; private set; }

        public async ValueTask<bool> BeforeCommitAsync(IReadOnlyList<ChunkMetadata> stored, CancellationToken cancellationToken)
        {
            if (Report is null && stored.Any(m => m.ChunkId == chunkId))
            {
                Report = await Sweep!.RunAsync(cancellationToken);
            }

            return true;
        }

        public ValueTask<bool> BeforeAckAsync(IReadOnlyList<ChunkMetadata> persisted, CancellationToken cancellationToken) => ValueTask.FromResult(true);
    }
}
