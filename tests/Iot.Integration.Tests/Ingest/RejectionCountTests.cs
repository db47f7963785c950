using Dapper;
using Iot.Cloud.Bridge.Ingest;
using Iot.Integration.Tests.Infrastructure;
using Iot.Protocol.Chunks;
using Iot.Protocol.Messages;
using Iot.Protocol.Topics;
using Iot.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Iot.Integration.Tests.Ingest;

/// <summary>The bridge's per-device, per-hour rejection counts (chunk_rejections), which the rejected-chunks alert reads.</summary>
[Collection(SystemCollection.Name)]
public sealed class RejectionCountTests(PostgresServer postgres)
{
    [Fact]
    public async Task Rejections_are_added_per_device_hour_and_reason_in_batches_and_on_shutdown()
    {
        using var dir = new TempDirectory();
        var db = await postgres.CreateDatabaseAsync();
        var port = FreePort.Next();
        var bridge = await BridgeNode.StartAsync(new BridgeSettings(db, dir.Sub("store"), port, External: false) { SeedDevices = ["acme/pos-1"] });
        try
        {
            await using var probe = await ProbeClient.ConnectAsync(port);
            var garbage = Envelope("{\"chunkId\": not json"u8.ToArray());
            for (var i = 0; i < 3; i++)
            {
                await probe.PublishAsync(TopicTree.Chunk("acme", "pos-1"), garbage);
                await probe.WaitForAckAsync((t, a) => a.Reason == RejectReason.Malformed && t == TopicTree.Ack("acme", "pos-1"));
            }

            await Eventually.WaitAsync(() => Task.FromResult(bridge.Metrics.Rejected(RejectReason.Malformed) == 3), TimeSpan.FromSeconds(10), "three rejections counted");
            Assert.Equal(1, await bridge.Services.GetRequiredService<RejectionCounter>().FlushAsync(CancellationToken.None));
            Assert.Equal("acme:pos-1:Malformed:3", await RowsAsync(db));

            await probe.PublishAsync(TopicTree.Chunk("acme", "pos-1"), garbage);
            await probe.WaitForAckAsync((t, a) => a.Reason == RejectReason.Malformed && t == TopicTree.Ack("acme", "pos-1"));
        }
        finally
        {
            await bridge.DisposeAsync();
        }

        // The fourth was still in memory when the bridge stopped: the shutdown added it to the same row.
        Assert.Equal("acme:pos-1:Malformed:4", await RowsAsync(db));
    }

    [Fact]
    public async Task Distinct_keys_are_capped_and_what_does_not_fit_is_counted()
    {
        var db = await TestDatabase.CreateAsync("iot_test");
        await using var dataSource = NpgsqlDataSource.Create(db);
        var metrics = new IngestMetrics();
        var counter = new RejectionCounter(dataSource, metrics, TimeProvider.System, NullLogger<RejectionCounter>.Instance);
        for (var i = 0; i <= RejectionCounter.MaxKeys; i++)
        {
            counter.Count("acme", "ghost-" + i, RejectReason.UnknownDevice);
        }

        counter.Count("acme", "ghost-0", RejectReason.UnknownDevice);

        Assert.Equal(1, metrics.RejectionCountsDropped);
        Assert.Equal(RejectionCounter.MaxKeys, await counter.FlushAsync(CancellationToken.None));
        await using var c = new NpgsqlConnection(db);
        Assert.Equal(RejectionCounter.MaxKeys + 1L, await c.ExecuteScalarAsync<long>("SELECT sum(count) FROM chunk_rejections"));
    }

    private static async Task<string?> RowsAsync(string db)
    {
        await using var c = new NpgsqlConnection(db);
        return await c.ExecuteScalarAsync<string>(
            "SELECT string_agg(tenant_id || ':' || device_id || ':' || reason || ':' || count, ',') FROM chunk_rejections WHERE hour = date_trunc('hour', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'");
    }

    /// <summary>A well-formed envelope around a header that is not JSON: refused as Malformed, to the sender.</summary>
    private static byte[] Envelope(byte[] header)
    {
        var payload = new byte[ChunkEnvelope.PreambleLength + header.Length];
        "IOTC"u8.CopyTo(payload);
        payload[4] = ChunkEnvelope.CurrentVersion;
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(payload.AsSpan(5), (uint)header.Length);
        header.CopyTo(payload, ChunkEnvelope.PreambleLength);
        return payload;
    }
}
