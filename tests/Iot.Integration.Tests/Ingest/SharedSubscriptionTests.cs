using System.Security.Cryptography;
using Iot.Integration.Tests.Infrastructure;
using Iot.Protocol.Chunks;
using Iot.Protocol.Messages;
using Iot.Protocol.Topics;
using Iot.TestSupport;

namespace Iot.Integration.Tests.Ingest;

[Collection(SystemCollection.Name)]
public sealed class SharedSubscriptionTests(PostgresServer postgres)
{
    /// <summary>
    /// Regression (found by bench/run.sh scale): Mosquitto deals a $share member its share of chunks for as long as its
    /// session lives, even offline and even after a DISCONNECT asking for session expiry 0. A stopped bridge with an
    /// hour-long session swallowed every other chunk until the devices re-sent it; a clean stop now unsubscribes first,
    /// and a crashed bridge's session expires after Broker:SessionExpirySeconds (60 s).
    /// </summary>
    [Fact]
    public async Task After_one_of_two_bridges_stops_cleanly_the_other_receives_every_chunk_straight_away()
    {
        using var dir = new TempDirectory();
        var db = await postgres.CreateDatabaseAsync();
        await using var mosquitto = await MosquittoBroker.StartAsync();
        var store = dir.Sub("store");
        await using var bridgeA = await BridgeNode.StartAsync(new BridgeSettings(db, store, mosquitto.Port, External: true) { InstanceId = "bridge-a", SeedDevices = ["acme/pos-1"] });
        var bridgeB = await BridgeNode.StartAsync(new BridgeSettings(db, store, mosquitto.Port, External: true) { InstanceId = "bridge-b" });
        await bridgeB.DisposeAsync();
        await using var probe = await ProbeClient.ConnectAsync(mosquitto.Port);

        var sent = new List<Guid>();
        for (var i = 1; i <= 20; i++)
        {
            var audio = RandomNumberGenerator.GetBytes(2000);
            var metadata = new ChunkMetadata
            {
                ChunkId = Guid.CreateVersion7(),
                TenantId = "acme",
                DeviceId = "pos-1",
                Sequence = i,
                StartedAtUtc = DateTimeOffset.UtcNow,
                DurationMs = 1000,
                SampleRate = 16000,
                Codec = AudioCodecs.OggOpus,
                ByteLength = audio.Length,
                Sha256 = ChunkValidator.Sha256Hex(audio),
            };
            sent.Add(metadata.ChunkId);
            await probe.PublishAsync(TopicTree.Chunk("acme", "pos-1"), ChunkEnvelope.Encode(metadata, audio));
        }

        // No device re-sends here, so a chunk dealt to the stopped bridge would never be acked.
        await Eventually.WaitAsync(
            () => Task.FromResult(sent.All(id => probe.Acks.Any(a => a.Ack.ChunkId == id && a.Ack.Status == AckStatus.Stored))),
            TimeSpan.FromSeconds(20),
            "all 20 chunks acked by the remaining bridge",
            () => Task.FromResult($"acked {probe.Acks.Count(a => a.Ack.Status == AckStatus.Stored)}; bridge-a {bridgeA.Metrics}"));
        Assert.Equal(20, bridgeA.Metrics.Stored);
    }
}
