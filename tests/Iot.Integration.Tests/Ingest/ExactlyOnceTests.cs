using Iot.Integration.Tests.Infrastructure;
using Iot.TestSupport;
using Xunit.Abstractions;

namespace Iot.Integration.Tests.Ingest;

[Collection(SystemCollection.Name)]
public class ExactlyOnceTests(PostgresServer postgres, ITestOutputHelper output)
{
    [Fact]
    public async Task Three_agents_fifty_chunks_each_through_the_embedded_broker_are_stored_exactly_once_and_outboxes_empty()
    {
        using var dir = new TempDirectory();
        var db = await postgres.CreateDatabaseAsync();
        var port = FreePort.Next();
        await using var bridge = await BridgeNode.StartAsync(new BridgeSettings(db, dir.Sub("store"), port, External: false) { SeedDevices = Fleet.SeedDevices(3) });
        var table = new ChunkTable(db);

        await using var fleet = await Fleet.StartAsync(dir, devices: 3, secondsEach: 50, port);
        await fleet.RecordingFinishedAsync();
        await Eventually.WaitAsync(async () => fleet.OutboxesEmpty() && await table.CountAsync() == 150, TimeSpan.FromSeconds(90), "150 chunks stored and outboxes empty", async () => fleet.Describe() + $"; rows {await table.CountAsync()}");

        Assert.Equal(150, fleet.RecordedPerDevice().Values.Sum());
        var summary = await StoreAssertions.EveryChunkStoredExactlyOnceAsync(table, bridge.StorageRoot, fleet.RecordedPerDevice());
        Assert.Equal(150, bridge.Metrics.Stored);
        Assert.Equal(0, bridge.Metrics.RejectedTotal);
        output.WriteLine("embedded broker: " + summary);
    }

    [Fact]
    public async Task Two_bridges_sharing_a_mosquitto_subscription_split_the_load_and_store_each_chunk_once()
    {
        using var dir = new TempDirectory();
        var db = await postgres.CreateDatabaseAsync();
        await using var mosquitto = await MosquittoBroker.StartAsync();
        var store = dir.Sub("store");
        await using var bridgeA = await BridgeNode.StartAsync(new BridgeSettings(db, store, mosquitto.Port, External: true) { InstanceId = "bridge-a", SeedDevices = Fleet.SeedDevices(3) });
        await using var bridgeB = await BridgeNode.StartAsync(new BridgeSettings(db, store, mosquitto.Port, External: true) { InstanceId = "bridge-b" });
        var table = new ChunkTable(db);

        await using var fleet = await Fleet.StartAsync(dir, devices: 3, secondsEach: 50, mosquitto.Port);
        await fleet.RecordingFinishedAsync();
        await Eventually.WaitAsync(async () => fleet.OutboxesEmpty() && await table.CountAsync() == 150, TimeSpan.FromSeconds(90), "150 chunks stored and outboxes empty", async () => fleet.Describe() + $"; rows {await table.CountAsync()}");

        var summary = await StoreAssertions.EveryChunkStoredExactlyOnceAsync(table, store, fleet.RecordedPerDevice());
        Assert.Equal(150, bridgeA.Metrics.Stored + bridgeB.Metrics.Stored);
        Assert.True(bridgeA.Metrics.Received > 0 && bridgeB.Metrics.Received > 0, $"shared subscription did not split: a={bridgeA.Metrics}, b={bridgeB.Metrics}");
        output.WriteLine($"mosquitto, 2 bridges: {summary} bridge-a={bridgeA.Metrics.Stored} bridge-b={bridgeB.Metrics.Stored}");
    }
}
