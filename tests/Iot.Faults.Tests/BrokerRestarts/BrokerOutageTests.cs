using System.Diagnostics;
using Iot.Integration.Tests.Infrastructure;
using Iot.TestSupport;
using Xunit.Abstractions;

namespace Iot.Faults.Tests.BrokerRestarts;

[Collection(SystemCollection.Name)]
public class BrokerOutageTests(PostgresServer postgres, ITestOutputHelper output)
{
    [Fact]
    public async Task Agents_recording_while_mosquitto_is_down_drain_their_backlog_oldest_first_after_it_returns()
    {
        using var dir = new TempDirectory();
        var db = await postgres.CreateDatabaseAsync();
        await using var mosquitto = await MosquittoBroker.StartAsync();
        var store = dir.Sub("store");
        var table = new ChunkTable(db);
        await using var bridge = await BridgeNode.StartAsync(new BridgeSettings(db, store, mosquitto.Port, External: true) { SeedDevices = Fleet.SeedDevices(2) });

        await mosquitto.KillAsync();
        await using var fleet = await Fleet.StartAsync(dir, devices: 2, secondsEach: 20, mosquitto.Port, s => s with { MaxInFlight = 1 });
        await fleet.RecordingFinishedAsync();
        Assert.All(fleet.Agents, a => Assert.Equal(20, a.Outbox.GetStats().Pending));
        Assert.Equal(0, await table.CountAsync());

        var drain = Stopwatch.StartNew();
        await mosquitto.StartAsync(CancellationToken.None);
        await Eventually.WaitAsync(async () => fleet.OutboxesEmpty() && await table.CountAsync() == 40, TimeSpan.FromSeconds(60), "backlog drained", async () => fleet.Describe() + $"; rows {await table.CountAsync()}");
        drain.Stop();

        var summary = await StoreAssertions.EveryChunkStoredExactlyOnceAsync(table, store, fleet.RecordedPerDevice());
        await AssertArrivedInSequenceOrderAsync(table);
        output.WriteLine($"mosquitto outage: {summary} drain={drain.Elapsed.TotalSeconds:0.0}s");
    }

    [Fact]
    public async Task Agents_recording_while_the_embedded_broker_is_stopped_drain_their_backlog_after_it_restarts()
    {
        using var dir = new TempDirectory();
        var db = await postgres.CreateDatabaseAsync();
        var port = FreePort.Next();
        var store = dir.Sub("store");
        var table = new ChunkTable(db);
        await using var bridge = await BridgeNode.StartAsync(new BridgeSettings(db, store, port, External: false) { SeedDevices = Fleet.SeedDevices(2) });

        await bridge.EmbeddedBroker!.StopAsync(CancellationToken.None);
        await using var fleet = await Fleet.StartAsync(dir, devices: 2, secondsEach: 20, port, s => s with { MaxInFlight = 1 });
        await fleet.RecordingFinishedAsync();
        Assert.All(fleet.Agents, a => Assert.Equal(20, a.Outbox.GetStats().Pending));

        var drain = Stopwatch.StartNew();
        await bridge.EmbeddedBroker.StartAsync(CancellationToken.None);
        await Eventually.WaitAsync(async () => fleet.OutboxesEmpty() && await table.CountAsync() == 40, TimeSpan.FromSeconds(60), "backlog drained", async () => fleet.Describe() + $"; rows {await table.CountAsync()}");
        drain.Stop();

        var summary = await StoreAssertions.EveryChunkStoredExactlyOnceAsync(table, store, fleet.RecordedPerDevice());
        await AssertArrivedInSequenceOrderAsync(table);
        output.WriteLine($"embedded broker outage: {summary} drain={drain.Elapsed.TotalSeconds:0.0}s");
    }

    private static async Task AssertArrivedInSequenceOrderAsync(ChunkTable table)
    {
        foreach (var device in (await table.AllAsync()).GroupBy(r => r.DeviceId))
        {
            var arrival = device.OrderBy(r => r.ReceivedAt).ThenBy(r => r.Sequence).Select(r => r.Sequence).ToList();
            Assert.Equal(arrival.Order().ToList(), arrival);
        }
    }
}
