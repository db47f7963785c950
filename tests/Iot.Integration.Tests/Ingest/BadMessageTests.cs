using System.Security.Cryptography;
using System.Text;
using Iot.Protocol.Chunks;
using Iot.Protocol.Messages;
using Iot.Protocol.Topics;
using Iot.Integration.Tests.Infrastructure;
using Iot.TestSupport;
using Xunit.Abstractions;

namespace Iot.Integration.Tests.Ingest;

[Collection(SystemCollection.Name)]
public sealed class BadMessageTests(PostgresServer postgres, ITestOutputHelper output) : IAsyncLifetime
{
    private const int MaxPayload = 64 * 1024;
    private readonly TempDirectory _dir = new();
    private BridgeNode _bridge = null!;
    private ProbeClient _probe = null!;
    private ChunkTable _table = null!;
    private (ChunkMetadata Metadata, byte[] Audio) _stored;

    public async Task InitializeAsync()
    {
        var db = await postgres.CreateDatabaseAsync();
        var port = FreePort.Next();
        _bridge = await BridgeNode.StartAsync(new BridgeSettings(db, _dir.Sub("store"), port, External: false)
        {
            MaxPayloadBytes = MaxPayload,
            SeedDevices = ["acme/pos-1", "acme/pos-2"],
        });
        _table = new ChunkTable(db);
        _probe = await ProbeClient.ConnectAsync(port);

        _stored = RandomChunk.For("pos-1", 2000);
        await _probe.PublishAsync(TopicTree.Chunk("acme", "pos-1"), ChunkEnvelope.Encode(_stored.Metadata, _stored.Audio));
        var ack = await _probe.WaitForAckAsync((_, a) => a.ChunkId == _stored.Metadata.ChunkId);
        Assert.Equal(AckStatus.Stored, ack.Status);
    }

    public async Task DisposeAsync()
    {
        await _probe.DisposeAsync();
        await _bridge.DisposeAsync();
        _dir.Dispose();
    }

    [Fact]
    public async Task Every_rejection_is_counted_by_reason_on_the_bridge_metrics_endpoint()
    {
        using var http = new HttpClient { BaseAddress = _bridge.MetricsAddress };
        Assert.Contains("iot_bridge_chunks_rejected_total{reason=\"Malformed\"} 0", await http.GetStringAsync("/metrics"), StringComparison.Ordinal);

        await _probe.PublishAsync(TopicTree.Chunk("acme", "pos-1"), Envelope(Encoding.UTF8.GetBytes("{\"chunkId\": not json"), []));
        await _probe.WaitForAckAsync((_, a) => a.Reason == RejectReason.Malformed);

        var metrics = await http.GetStringAsync("/metrics");
        Assert.Contains("iot_bridge_chunks_rejected_total{reason=\"Malformed\"} 1", metrics, StringComparison.Ordinal);
        Assert.Contains("iot_bridge_chunks_stored_total 1", metrics, StringComparison.Ordinal);
        Assert.Contains("iot_bridge_broker_connected 1", metrics, StringComparison.Ordinal);
        using var health = await http.GetAsync("/health");
        Assert.Equal(System.Net.HttpStatusCode.OK, health.StatusCode);
    }

    [Fact]
    public async Task Malformed_json_is_refused_with_a_negative_ack_to_the_sender()
    {
        var payload = Envelope(Encoding.UTF8.GetBytes("{\"chunkId\": not json"), []);

        await _probe.PublishAsync(TopicTree.Chunk("acme", "pos-1"), payload);

        var ack = await _probe.WaitForAckAsync((t, a) => a.Reason == RejectReason.Malformed && t == TopicTree.Ack("acme", "pos-1"));
        Assert.Equal(AckStatus.Rejected, ack.Status);
        Assert.Null(ack.ChunkId);
        Assert.False(ack.Retryable);
        await AssertStoredDataIntactAsync();
    }

    [Fact]
    public async Task A_hash_mismatch_is_refused_and_nothing_is_written()
    {
        var (m, audio) = RandomChunk.For("pos-1", 3000);
        audio[10] ^= 0xFF;

        await _probe.PublishAsync(TopicTree.Chunk("acme", "pos-1"), RawEnvelope(m, audio));

        var ack = await _probe.WaitForAckAsync((_, a) => a.ChunkId == m.ChunkId);
        Assert.Equal(RejectReason.HashMismatch, ack.Reason);
        await AssertStoredDataIntactAsync();
    }

    [Fact]
    public async Task An_oversize_chunk_is_refused_with_its_id_so_the_device_can_act()
    {
        var (m, audio) = RandomChunk.For("pos-1", MaxPayload + 1);

        await _probe.PublishAsync(TopicTree.Chunk("acme", "pos-1"), ChunkEnvelope.Encode(m, audio));

        var ack = await _probe.WaitForAckAsync((_, a) => a.ChunkId == m.ChunkId);
        Assert.Equal(RejectReason.Oversize, ack.Reason);
        Assert.False(ack.Retryable);
        await AssertStoredDataIntactAsync();
    }

    [Fact]
    public async Task A_chunk_from_an_unregistered_device_is_refused_as_retryable()
    {
        var (m, audio) = RandomChunk.For("ghost", 1000);

        await _probe.PublishAsync(TopicTree.Chunk("acme", "ghost"), ChunkEnvelope.Encode(m, audio));

        var ack = await _probe.WaitForAckAsync((t, a) => a.ChunkId == m.ChunkId && t == TopicTree.Ack("acme", "ghost"));
        Assert.Equal(RejectReason.UnknownDevice, ack.Reason);
        Assert.True(ack.Retryable);
        await AssertStoredDataIntactAsync();
    }

    [Fact]
    public async Task A_chunk_published_on_another_devices_topic_is_refused()
    {
        var (m, audio) = RandomChunk.For("pos-1", 1000);

        await _probe.PublishAsync(TopicTree.Chunk("acme", "pos-2"), ChunkEnvelope.Encode(m, audio));

        var ack = await _probe.WaitForAckAsync((t, a) => a.ChunkId == m.ChunkId && t == TopicTree.Ack("acme", "pos-2"));
        Assert.Equal(RejectReason.TopicMismatch, ack.Reason);
        await AssertStoredDataIntactAsync();
    }

    [Fact]
    public async Task Chunks_on_topics_outside_the_tree_are_counted_and_dropped()
    {
        var (m, audio) = RandomChunk.For("pos-1", 1000);
        var before = _bridge.Metrics.Unroutable;

        // The bridge subscribes to iot/v1/+/+/chunk, so only ids the tree forbids can reach it on a wrong topic.
        await _probe.PublishAsync("iot/v1/ACME/pos-1/chunk", ChunkEnvelope.Encode(m, audio));
        await _probe.PublishAsync("iot/v1/acme/$bad/chunk", ChunkEnvelope.Encode(m, audio));

        await Eventually.WaitAsync(() => Task.FromResult(_bridge.Metrics.Unroutable == before + 2), TimeSpan.FromSeconds(10), "two unroutable messages counted");
        await AssertStoredDataIntactAsync();
    }

    [Fact]
    public async Task A_different_recording_reusing_a_stored_chunk_id_is_refused_and_the_original_kept()
    {
        var audio = new byte[2000];
        Random.Shared.NextBytes(audio);
        var forged = _stored.Metadata with { Sha256 = ChunkValidator.Sha256Hex(audio), ByteLength = audio.Length };

        await _probe.PublishAsync(TopicTree.Chunk("acme", "pos-1"), ChunkEnvelope.Encode(forged, audio));

        var ack = await _probe.WaitForAckAsync((_, a) => a.ChunkId == forged.ChunkId && a.Status == AckStatus.Rejected);
        Assert.Equal(RejectReason.ConflictingDuplicate, ack.Reason);
        await AssertStoredDataIntactAsync();
    }

    [Fact]
    public async Task A_replayed_chunk_is_acked_as_duplicate_and_stored_once()
    {
        await _probe.PublishAsync(TopicTree.Chunk("acme", "pos-1"), ChunkEnvelope.Encode(_stored.Metadata, _stored.Audio));

        var ack = await _probe.WaitForAckAsync((_, a) => a.ChunkId == _stored.Metadata.ChunkId && a.Status == AckStatus.Duplicate);
        Assert.Equal(RejectReason.None, ack.Reason);
        await AssertStoredDataIntactAsync();
    }

    [Fact]
    public async Task After_a_burst_of_every_bad_kind_the_bridge_still_stores_good_chunks()
    {
        var rejectedBefore = _bridge.Metrics.RejectedTotal;
        for (var i = 0; i < 50; i++)
        {
            var (m, audio) = RandomChunk.For("pos-1", 500);
            await _probe.PublishAsync(TopicTree.Chunk("acme", "pos-1"), (i % 5) switch
            {
                0 => Envelope(Encoding.UTF8.GetBytes("[]"), audio),
                1 => RawEnvelope(m, audio.Reverse().ToArray()),
                2 => audio,
                3 => ChunkEnvelope.Encode(m with { Codec = "mp3" }, audio),
                _ => Envelope(ProtocolHeader(m), audio.AsSpan(1).ToArray()),
            });
        }

        var good = RandomChunk.For("pos-2", 1500);
        await _probe.PublishAsync(TopicTree.Chunk("acme", "pos-2"), ChunkEnvelope.Encode(good.Metadata, good.Audio));

        var ack = await _probe.WaitForAckAsync((_, a) => a.ChunkId == good.Metadata.ChunkId, TimeSpan.FromSeconds(20));
        Assert.Equal(AckStatus.Stored, ack.Status);
        Assert.Equal(rejectedBefore + 50, _bridge.Metrics.RejectedTotal);
        Assert.Equal(2, await _table.CountAsync());
        output.WriteLine($"bad-message burst: {_bridge.Metrics}");
    }

    private async Task AssertStoredDataIntactAsync()
    {
        var rows = await _table.AllAsync();
        var row = Assert.Single(rows);
        Assert.Equal(_stored.Metadata.ChunkId, row.ChunkId);
        var bytes = await File.ReadAllBytesAsync(Path.Combine(_bridge.StorageRoot, row.StoragePath!));
        Assert.Equal(_stored.Audio, bytes);
        Assert.Single(Directory.GetFiles(Path.Combine(_bridge.StorageRoot, "recordings"), "*", SearchOption.AllDirectories));
    }


    private static byte[] ProtocolHeader(ChunkMetadata m) => Iot.Protocol.Serialization.ProtocolJson.Serialize(m);

    /// <summary>Builds an envelope without the encoder's consistency checks, as a buggy or hostile device would.</summary>
    private static byte[] RawEnvelope(ChunkMetadata m, byte[] audio) => Envelope(ProtocolHeader(m), audio);

    private static byte[] Envelope(byte[] header, byte[] audio)
    {
        var payload = new byte[ChunkEnvelope.PreambleLength + header.Length + audio.Length];
        "IOTC"u8.CopyTo(payload);
        payload[4] = ChunkEnvelope.CurrentVersion;
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(payload.AsSpan(5), (uint)header.Length);
        header.CopyTo(payload, ChunkEnvelope.PreambleLength);
        audio.CopyTo(payload, ChunkEnvelope.PreambleLength + header.Length);
        return payload;
    }
}
