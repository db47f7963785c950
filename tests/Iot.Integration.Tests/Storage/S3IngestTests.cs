using System.Net;
using System.Security.Cryptography;
using Iot.Integration.Tests.Infrastructure;
using Iot.Protocol.Chunks;
using Iot.Protocol.Messages;
using Iot.Protocol.Topics;
using Iot.TestSupport;
using Iot.TestSupport.ObjectStore;
using Xunit.Abstractions;

namespace Iot.Integration.Tests.Storage;

/// <summary>
/// The bridge with <c>Storage:Kind=S3</c> against a real Ceph radosgw: agents → broker → bridge → bucket + PostgreSQL.
/// Each test has its own bucket and database.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class S3IngestTests(PostgresServer postgres, ITestOutputHelper output)
{
    private static async Task<(CephS3 Ceph, string Bucket)> BucketAsync(string hint)
    {
        var ceph = await CephS3.SharedAsync();
        return (ceph, await ceph.CreateBucketAsync(hint));
    }

    private static BridgeSettings Settings(string db, TempDirectory dir, int port, CephS3 ceph, string bucket, IReadOnlyList<string> seed) =>
        new(db, dir.Sub("state"), port, External: false)
        {
            SeedDevices = seed,
            Extra = ceph.Settings("Storage", bucket),
        };

    [Fact]
    public async Task Agents_uploading_through_a_bridge_on_S3_get_every_chunk_into_the_bucket_once_with_its_hash_and_nothing_on_local_disk()
    {
        using var dir = new TempDirectory();
        var db = await postgres.CreateDatabaseAsync();
        var (ceph, bucket) = await BucketAsync("ingest");
        output.WriteLine($"radosgw {ceph.Endpoint}, bucket {bucket}, cluster start {ceph.StartedInMs} ms");
        var port = FreePort.Next();
        await using var bridge = await BridgeNode.StartAsync(Settings(db, dir, port, ceph, bucket, Fleet.SeedDevices(2)));
        var table = new ChunkTable(db);

        await using var fleet = await Fleet.StartAsync(dir, devices: 2, secondsEach: 20, port);
        await fleet.RecordingFinishedAsync();
        await Eventually.WaitAsync(
            async () => fleet.OutboxesEmpty() && await table.CountAsync() == fleet.RecordedPerDevice().Values.Sum(),
            TimeSpan.FromSeconds(90),
            "every recorded chunk stored and outboxes empty",
            async () => fleet.Describe() + $"; rows {await table.CountAsync()}");

        var rows = await table.AllAsync();
        Assert.NotEmpty(rows);
        Assert.All(rows, r => Assert.NotNull(r.StoragePath));
        using var client = ceph.Client();
        foreach (var row in rows)
        {
            using var stored = await client.GetObjectAsync(bucket, row.StoragePath);
            Assert.Equal(row.Sha256, Convert.ToHexStringLower(await SHA256.HashDataAsync(stored.ResponseStream)));
        }

        Assert.Equal(rows.Select(r => r.StoragePath!).Order(StringComparer.Ordinal), (await ceph.KeysAsync(bucket)).Order(StringComparer.Ordinal));
        Assert.False(Directory.Exists(dir.Sub("state/recordings")), "an S3 bridge wrote audio to its local Storage:Root");
        Assert.Equal(rows.Count, bridge.Metrics.Stored);
        output.WriteLine($"{rows.Count} chunks, {rows.Count} objects");
    }

    [Fact]
    public async Task Two_bridges_with_separate_disks_sharing_a_mosquitto_subscription_and_one_bucket_store_each_chunk_once()
    {
        using var dir = new TempDirectory();
        var db = await postgres.CreateDatabaseAsync();
        var (ceph, bucket) = await BucketAsync("two-bridges");
        await using var mosquitto = await MosquittoBroker.StartAsync();
        var storage = ceph.Settings("Storage", bucket);
        await using var bridgeA = await BridgeNode.StartAsync(new BridgeSettings(db, dir.Sub("machine-a"), mosquitto.Port, External: true)
        {
            InstanceId = "bridge-a",
            SeedDevices = Fleet.SeedDevices(3),
            Extra = storage,
        });
        await using var bridgeB = await BridgeNode.StartAsync(new BridgeSettings(db, dir.Sub("machine-b"), mosquitto.Port, External: true) { InstanceId = "bridge-b", Extra = storage });
        var table = new ChunkTable(db);

        await using var fleet = await Fleet.StartAsync(dir, devices: 3, secondsEach: 30, mosquitto.Port);
        await fleet.RecordingFinishedAsync();
        await Eventually.WaitAsync(
            async () => fleet.OutboxesEmpty() && await table.CountAsync() == fleet.RecordedPerDevice().Values.Sum(),
            TimeSpan.FromSeconds(90),
            "every recorded chunk stored and outboxes empty",
            async () => fleet.Describe() + $"; rows {await table.CountAsync()}");

        var rows = await table.AllAsync();
        Assert.Equal(rows.Count, rows.Select(r => r.ChunkId).Distinct().Count());
        Assert.Equal(rows.Select(r => r.StoragePath!).Order(StringComparer.Ordinal), (await ceph.KeysAsync(bucket)).Order(StringComparer.Ordinal));
        Assert.True(bridgeA.Metrics.Stored > 0 && bridgeB.Metrics.Stored > 0, $"the shared subscription did not split: a={bridgeA.Metrics.Stored}, b={bridgeB.Metrics.Stored}");
        Assert.Equal(rows.Count, bridgeA.Metrics.Stored + bridgeB.Metrics.Stored);
        Assert.False(Directory.Exists(dir.Sub("machine-a/recordings")) || Directory.Exists(dir.Sub("machine-b/recordings")), "a bridge on S3 wrote audio to its own disk");
        output.WriteLine($"{rows.Count} chunks: bridge-a {bridgeA.Metrics.Stored}, bridge-b {bridgeB.Metrics.Stored}, one bucket");
    }

    [Fact]
    public async Task A_resent_chunk_is_acked_as_a_duplicate_and_a_conflicting_one_is_rejected_with_one_object_and_one_row_left()
    {
        using var dir = new TempDirectory();
        var db = await postgres.CreateDatabaseAsync();
        var (ceph, bucket) = await BucketAsync("resend");
        var port = FreePort.Next();
        await using var bridge = await BridgeNode.StartAsync(Settings(db, dir, port, ceph, bucket, ["acme/pos-1"]));
        await using var probe = await ProbeClient.ConnectAsync(port);
        var (metadata, audio) = RandomChunk.For("pos-1", 3000);
        var envelope = ChunkEnvelope.Encode(metadata, audio);

        await probe.PublishAsync(TopicTree.Chunk("acme", "pos-1"), envelope);
        Assert.Equal(AckStatus.Stored, (await probe.WaitForAckAsync((_, a) => a.ChunkId == metadata.ChunkId)).Status);
        var key = Assert.Single(await ceph.KeysAsync(bucket));
        using var client = ceph.Client();
        var first = await client.GetObjectMetadataAsync(bucket, key);

        probe.Acks.Clear();
        await probe.PublishAsync(TopicTree.Chunk("acme", "pos-1"), envelope);
        Assert.Equal(AckStatus.Duplicate, (await probe.WaitForAckAsync((_, a) => a.ChunkId == metadata.ChunkId)).Status);

        // Same chunk id, other bytes: a buggy or hostile device must not replace what is stored.
        var forged = RandomNumberGenerator.GetBytes(3000);
        var forgedMetadata = metadata with { Sha256 = ChunkValidator.Sha256Hex(forged), ByteLength = forged.Length };
        probe.Acks.Clear();
        await probe.PublishAsync(TopicTree.Chunk("acme", "pos-1"), ChunkEnvelope.Encode(forgedMetadata, forged));
        var refused = await probe.WaitForAckAsync((_, a) => a.ChunkId == metadata.ChunkId);
        Assert.Equal(AckStatus.Rejected, refused.Status);
        Assert.Equal(RejectReason.ConflictingDuplicate, refused.Reason);

        Assert.Equal([key], await ceph.KeysAsync(bucket));
        var after = await client.GetObjectMetadataAsync(bucket, key);
        Assert.Equal(first.ETag, after.ETag);
        Assert.Equal(first.LastModified, after.LastModified);
        using var stored = await client.GetObjectAsync(bucket, key);
        Assert.Equal(metadata.Sha256, Convert.ToHexStringLower(await SHA256.HashDataAsync(stored.ResponseStream)));
        Assert.Equal(1, await new ChunkTable(db).CountAsync());
    }

    [Fact]
    public async Task The_key_of_a_chunk_is_its_date_device_and_id_so_a_resend_from_any_bridge_lands_on_the_same_object()
    {
        using var dir = new TempDirectory();
        var db = await postgres.CreateDatabaseAsync();
        var (ceph, bucket) = await BucketAsync("deterministic");
        var port = FreePort.Next();
        await using var bridge = await BridgeNode.StartAsync(Settings(db, dir, port, ceph, bucket, ["acme/pos-1"]));
        await using var probe = await ProbeClient.ConnectAsync(port);
        var (metadata, audio) = RandomChunk.For("pos-1", 1500);

        await probe.PublishAsync(TopicTree.Chunk("acme", "pos-1"), ChunkEnvelope.Encode(metadata, audio));
        await probe.WaitForAckAsync((_, a) => a.ChunkId == metadata.ChunkId && a.Status == AckStatus.Stored);

        var expected = $"recordings/{metadata.StartedAtUtc.UtcDateTime:yyyy-MM-dd}/pos-1/{metadata.ChunkId:n}.opus";
        Assert.Equal([expected], await ceph.KeysAsync(bucket));
        Assert.Equal(expected, Assert.Single(await new ChunkTable(db).AllAsync()).StoragePath);
    }

    [Fact]
    public async Task Ready_names_the_bucket_when_it_is_writable_and_fails_naming_the_bucket_key_when_it_is_gone()
    {
        using var dir = new TempDirectory();
        var db = await postgres.CreateDatabaseAsync();
        var (ceph, bucket) = await BucketAsync("health");
        await using var bridge = await BridgeNode.StartAsync(Settings(db, dir, FreePort.Next(), ceph, bucket, []));
        using var http = new HttpClient { BaseAddress = bridge.MetricsAddress };

        var ready = await HealthProbe.GetAsync(http, "/health/ready");
        Assert.Equal(HttpStatusCode.OK, ready.Code);
        Assert.Contains($"bucket '{bucket}'", ready.Checks["storage"].Description, StringComparison.Ordinal);
        Assert.Empty(await ceph.KeysAsync(bucket));

        using (var client = ceph.Client())
        {
            await client.DeleteBucketAsync(bucket);
        }

        var gone = await HealthProbe.GetAsync(http, "/health/ready");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, gone.Code);
        Assert.Equal(["storage"], gone.Failing);
        Assert.Contains("Storage:S3:Bucket", gone.Checks["storage"].Description, StringComparison.Ordinal);
    }
}
