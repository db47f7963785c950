using System.Security.Cryptography;
using Iot.Cloud.Bridge.Ingest;
using Iot.Integration.Tests.Infrastructure;
using Iot.Protocol.Chunks;
using Iot.Protocol.Messages;
using Iot.Protocol.Topics;
using Iot.TestSupport;
using Serilog.Events;
using Xunit.Abstractions;

namespace Iot.Integration.Tests.Ingest;

/// <summary>
/// Issue 20: a bridge that could not keep up dropped what did not fit its ingest queue (and PUBACKed it), leaving the
/// chunk to the device's 30 s ack timeout. The publishers here never resend, so a single drop leaves a chunk unacked.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class BackpressureTests(PostgresServer postgres, ITestOutputHelper output)
{
    private const int Publishers = 4;
    private const int ChunksEach = 40;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_full_ingest_queue_pauses_taking_messages_instead_of_dropping_them(bool mosquitto)
    {
        using var dir = new TempDirectory();
        var db = await postgres.CreateDatabaseAsync();
        await using var external = mosquitto ? await MosquittoBroker.StartAsync() : null;
        var port = external?.Port ?? FreePort.Next();
        var devices = Enumerable.Range(1, Publishers).Select(i => $"pos-{i}").ToArray();
        var log = new LogCapture();

        // A queue of 2 (also the receive maximum asked of the broker), two workers, and persistence held 50 ms per batch:
        // the publishers below outrun it many times over.
        await using var bridge = await BridgeNode.StartAsync(
            new BridgeSettings(db, dir.Sub("store"), port, External: mosquitto)
            {
                SeedDevices = devices.Select(d => "acme/" + d).ToList(),
                Extra = new Dictionary<string, string?>
                {
                    ["Bridge:QueueCapacity"] = "2",
                    ["Bridge:BatchSize"] = "2",
                    ["Bridge:IngestWorkers"] = "2",
                    ["Serilog:MinimumLevel:Default"] = "Warning",
                },
            },
            new SlowPersistence(TimeSpan.FromMilliseconds(50)),
            log);
        await using var acks = await ProbeClient.ConnectAsync(port);
        var sent = new List<Guid>();
        var probes = new List<ProbeClient>();
        try
        {
            for (var i = 0; i < Publishers; i++)
            {
                probes.Add(await ProbeClient.ConnectAsync(port));
            }

            var batches = devices.Select(d => Enumerable.Range(1, ChunksEach).Select(seq => Chunk(d, seq)).ToList()).ToList();
            sent.AddRange(batches.SelectMany(b => b.Select(c => c.Id)));
            await Task.WhenAll(probes.Select((probe, i) => Task.Run(async () =>
            {
                foreach (var (_, topic, payload) in batches[i])
                {
                    await probe.PublishAsync(topic, payload);
                }
            })));

            var total = Publishers * ChunksEach;
            await Eventually.WaitAsync(
                () => Task.FromResult(sent.All(id => acks.Acks.Any(a => a.Ack.ChunkId == id && a.Ack.Status == AckStatus.Stored))),
                TimeSpan.FromSeconds(60),
                $"all {total} chunks acked Stored",
                () => Task.FromResult($"acked {acks.Acks.Select(a => a.Ack.ChunkId).Distinct().Count()} of {total}; {bridge.Metrics}; errors: {LogCapture.Describe(log.AtOrAbove(LogEventLevel.Error))}"));

            var rows = await new ChunkTable(db).AllAsync();
            Assert.Equal(total, rows.Count);
            Assert.Equal(sent.Order(), rows.Select(r => r.ChunkId).Order());
            Assert.Equal(total, bridge.Metrics.Stored);
            Assert.Equal(0, bridge.Metrics.RejectedTotal);
            Assert.True(bridge.Metrics.Pauses > 0, "the queue never filled, so the test proved nothing: " + bridge.Metrics);
            Assert.True(bridge.Metrics.PausedTime > TimeSpan.Zero, bridge.Metrics.ToString());
            var errors = log.AtOrAbove(LogEventLevel.Error);
        Assert.True(errors.Count == 0, LogCapture.Describe(errors));
            output.WriteLine($"{(mosquitto ? "mosquitto" : "embedded")}: {bridge.Metrics}");
        }
        finally
        {
            foreach (var probe in probes)
            {
                await probe.DisposeAsync();
            }
        }
    }

    private static (Guid Id, string Topic, byte[] Payload) Chunk(string device, int sequence)
    {
        var audio = RandomNumberGenerator.GetBytes(2000);
        var metadata = new ChunkMetadata
        {
            ChunkId = Guid.CreateVersion7(),
            TenantId = "acme",
            DeviceId = device,
            Sequence = sequence,
            StartedAtUtc = DateTimeOffset.UtcNow,
            DurationMs = 1000,
            SampleRate = 16000,
            Codec = AudioCodecs.OggOpus,
            ByteLength = audio.Length,
            Sha256 = ChunkValidator.Sha256Hex(audio),
        };
        return (metadata.ChunkId, TopicTree.Chunk("acme", device), ChunkEnvelope.Encode(metadata, audio));
    }

    /// <summary>Holds every batch after its commit, before its acks and PUBACKs: a slow disk or database, as the workers see it.</summary>
    private sealed class SlowPersistence(TimeSpan delay) : IIngestHook
    {
        public async ValueTask<bool> BeforeAckAsync(IReadOnlyList<ChunkMetadata> persisted, CancellationToken cancellationToken)
        {
            await Task.Delay(delay, cancellationToken);
            return true;
        }
    }
}
