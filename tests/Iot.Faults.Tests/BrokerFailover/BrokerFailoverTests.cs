using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Iot.Cloud.Bridge.Ingest;
using Iot.Edge.Agent.Health;
using Iot.Integration.Tests.Infrastructure;
using Iot.Protocol.Messages;
using Iot.Protocol.Provisioning;
using Iot.Protocol.Serialization;
using Iot.Protocol.Topics;
using Iot.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using MQTTnet;
using MQTTnet.Protocol;
using Xunit.Abstractions;

namespace Iot.Faults.Tests.BrokerFailover;

/// <summary>
/// Two Mosquitto brokers without <c>$share</c> between them, each consumed by its own bridge, both bridges writing the
/// same database and storage root: a two-broker deployment. The agent has <c>Mqtt:Hosts</c> = [broker1, broker2].
/// </summary>
[Collection(SystemCollection.Name)]
public class BrokerFailoverTests(PostgresServer postgres, ITestOutputHelper output)
{
    [Fact]
    public async Task An_agent_whose_first_broker_dies_mid_upload_fails_over_and_every_chunk_is_stored_exactly_once()
    {
        using var dir = new TempDirectory();
        var db = await postgres.CreateDatabaseAsync();
        var store = dir.Sub("store");
        var table = new ChunkTable(db);
        await using var broker1 = await MosquittoBroker.StartAsync();
        await using var broker2 = await MosquittoBroker.StartAsync();

        // Bridge 1 stores the 4th chunk onwards but never acks them: the ack is lost with the broker, as in a crash
        // between the database commit and the ack. Those chunks must come back through broker 2 as duplicates.
        var cut = new WithholdAcksFrom(4);
        await using var bridge1 = await StartBridgeAsync(db, store, broker1, "bridge-1", cut);
        await using var bridge2 = await StartBridgeAsync(db, store, broker2, "bridge-2");
        await using var agent = await StartAgentAsync(dir, broker1, broker2, seconds: 10);
        var clock = Stopwatch.StartNew();

        var withheld = await cut.Withheld.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(Endpoint(broker1), agent.Uplink.Broker);
        await broker1.KillAsync();
        var killedAt = clock.Elapsed;

        await agent.Recorder.SourceFinished.Task.WaitAsync(TimeSpan.FromSeconds(60));
        await Eventually.WaitAsync(
            async () => agent.Outbox.GetStats() is { Pending: 0, Quarantined: 0 } && await table.CountAsync() == agent.Recorder.ChunksSealed,
            TimeSpan.FromSeconds(30),
            "every sealed chunk stored and the outbox empty",
            async () => $"pending {agent.Outbox.GetStats().Pending}, rows {await table.CountAsync()}, sealed {agent.Recorder.ChunksSealed}, broker {agent.Uplink.Broker}; bridge-1 {bridge1.Metrics}; bridge-2 {bridge2.Metrics}");

        var summary = await StoreAssertions.EveryChunkStoredExactlyOnceAsync(table, store, new Dictionary<string, long> { ["pos-1"] = agent.Recorder.ChunksSealed });
        Assert.Equal(0, agent.Outbox.GetStats().Pending);
        Assert.True(agent.Recorder.ChunksSealed > cut.Count, $"recording went on after the cut: sealed {agent.Recorder.ChunksSealed}, cut after {cut.Count}");
        Assert.True(bridge2.Metrics.Duplicates >= withheld.Count, $"the {withheld.Count} chunk(s) stored without an ack come back through broker 2 as duplicates; {bridge2.Metrics}");
        Assert.True(bridge2.Metrics.Stored > 0, bridge2.Metrics.ToString());
        Assert.Equal(Endpoint(broker2), agent.Uplink.Broker);
        Assert.Equal(1, agent.Uplink.Failovers);

        var metrics = AgentMetrics.Render(agent.Services.GetRequiredService<AgentHealthProbe>().Capture());
        Assert.Contains($"iot_agent_mqtt_broker_info{{broker=\"{Endpoint(broker2)}\"}} 1\n", metrics, StringComparison.Ordinal);
        Assert.Contains("iot_agent_mqtt_failovers_total 1\n", metrics, StringComparison.Ordinal);
        var status = await RetainedStatusAsync(broker2.Port);
        Assert.Equal(DeviceState.Online, status.State);
        Assert.StartsWith($"failover from {Endpoint(broker1)} (", status.ReconnectReason, StringComparison.Ordinal);
        output.WriteLine($"failover: {summary} withheld={withheld.Count} duplicates-via-broker-2={bridge2.Metrics.Duplicates} killed-at={killedAt.TotalSeconds:0.0}s total={clock.Elapsed.TotalSeconds:0.0}s");
    }

    [Fact]
    public async Task After_a_failover_the_agent_stays_on_the_second_broker_when_the_first_returns_and_reconnects_to_it_first()
    {
        using var dir = new TempDirectory();
        var db = await postgres.CreateDatabaseAsync();
        var store = dir.Sub("store");
        var table = new ChunkTable(db);
        await using var broker1 = await MosquittoBroker.StartAsync();
        await using var broker2 = await MosquittoBroker.StartAsync();
        await using var bridge1 = await StartBridgeAsync(db, store, broker1, "bridge-1");
        await using var bridge2 = await StartBridgeAsync(db, store, broker2, "bridge-2");
        await using var agent = await StartAgentAsync(dir, broker1, broker2, seconds: 14);

        await Eventually.WaitAsync(() => Task.FromResult(agent.Uplink.Acked >= 2), TimeSpan.FromSeconds(20), "first chunks acked via broker 1", () => Task.FromResult(bridge1.Metrics.ToString()));
        await broker1.KillAsync();
        await Eventually.WaitAsync(() => Task.FromResult(agent.Uplink.IsConnected && agent.Uplink.Broker == Endpoint(broker2)), TimeSpan.FromSeconds(15), "failed over to broker 2", () => Task.FromResult($"broker {agent.Uplink.Broker}"));

        // Broker 1 is back (and bridge 1 with it); the session on broker 2 is healthy, so nothing moves.
        await broker1.StartAsync(CancellationToken.None);
        await Eventually.WaitAsync(() => Task.FromResult(bridge1.Connection.IsConnected), TimeSpan.FromSeconds(15), "bridge 1 back on broker 1");
        var storedViaBroker1 = bridge1.Metrics.Stored;
        var connects = agent.Uplink.Connects;

        // Broker 2 drops the agent (another client takes its id): the reconnect goes to broker 2 first, which answers.
        await TakeOverSessionAsync(broker2.Port, MqttIdentities.Device("acme", "pos-1"));
        await Eventually.WaitAsync(() => Task.FromResult(agent.Uplink.IsConnected && agent.Uplink.Connects > connects), TimeSpan.FromSeconds(15), "reconnected after the takeover", () => Task.FromResult($"connects {agent.Uplink.Connects}"));
        Assert.Equal(Endpoint(broker2), agent.Uplink.Broker);

        await agent.Recorder.SourceFinished.Task.WaitAsync(TimeSpan.FromSeconds(60));
        await Eventually.WaitAsync(
            async () => agent.Outbox.GetStats() is { Pending: 0, Quarantined: 0 } && await table.CountAsync() == agent.Recorder.ChunksSealed,
            TimeSpan.FromSeconds(30),
            "every sealed chunk stored and the outbox empty",
            async () => $"pending {agent.Outbox.GetStats().Pending}, rows {await table.CountAsync()}, broker {agent.Uplink.Broker}; bridge-1 {bridge1.Metrics}; bridge-2 {bridge2.Metrics}");

        Assert.Equal(Endpoint(broker2), agent.Uplink.Broker);
        Assert.Equal(1, agent.Uplink.Failovers);
        Assert.Equal(storedViaBroker1, bridge1.Metrics.Stored);
        var summary = await StoreAssertions.EveryChunkStoredExactlyOnceAsync(table, store, new Dictionary<string, long> { ["pos-1"] = agent.Recorder.ChunksSealed });
        output.WriteLine($"sticky: {summary} via-broker-1={bridge1.Metrics.Stored} via-broker-2={bridge2.Metrics.Stored} connects={agent.Uplink.Connects}");
    }

    /// <summary>Both bridges seed the device (idempotent) and take a free port for the provisioning API, since they share a process.</summary>
    private static Task<BridgeNode> StartBridgeAsync(string db, string store, MosquittoBroker broker, string instanceId, IIngestHook? hook = null) =>
        BridgeNode.StartAsync(
            new BridgeSettings(db, store, broker.Port, External: true)
            {
                InstanceId = instanceId,
                SeedDevices = ["acme/pos-1"],
                Extra = new Dictionary<string, string?> { ["ProvisioningApi:Port"] = "0" },
            },
            hook);

    private static string Endpoint(MosquittoBroker broker) => "127.0.0.1:" + broker.Port.ToString(CultureInfo.InvariantCulture);

    private static async Task<AgentNode> StartAgentAsync(TempDirectory dir, MosquittoBroker broker1, MosquittoBroker broker2, double seconds)
    {
        // Real time, so recording (and uploading) is still going on while the first broker dies.
        var wav = await SpeechAudio.WavAsync(seconds);
        return await AgentNode.StartAsync(new AgentSettings("acme", "pos-1", dir.Sub("spool"), wav, broker1.Port)
        {
            RealTime = true,
            Extra = new Dictionary<string, string?>
            {
                ["Mqtt:Hosts:0"] = Endpoint(broker1),
                ["Mqtt:Hosts:1"] = Endpoint(broker2),
            },
        });
    }

    private static async Task<DeviceStatus> RetainedStatusAsync(int port)
    {
        using var client = new MqttClientFactory().CreateMqttClient();
        var status = new TaskCompletionSource<DeviceStatus>(TaskCreationOptions.RunContinuationsAsynchronously);
        client.ApplicationMessageReceivedAsync += e =>
        {
            if (ProtocolJson.TryDeserialize<DeviceStatus>(e.ApplicationMessage.Payload.ToArray(), out _) is { } s)
            {
                status.TrySetResult(s);
            }

            return Task.CompletedTask;
        };
        await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", port).WithClientId("status-reader").WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500).Build());
        await client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(TopicTree.Status("acme", "pos-1"), MqttQualityOfServiceLevel.AtLeastOnce).Build());
        var result = await status.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await client.DisconnectAsync();
        return result;
    }

    /// <summary>Connects with the agent's client id, which makes the broker close the agent's connection (session takeover).</summary>
    private static async Task TakeOverSessionAsync(int port, string clientId)
    {
        using var client = new MqttClientFactory().CreateMqttClient();
        await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", port).WithClientId(clientId).WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500).Build());
        try
        {
            await client.DisconnectAsync();
        }
        catch (MQTTnet.Exceptions.MqttCommunicationException)
        {
            // The agent may already have taken its id back.
        }
    }

    /// <summary>Lets the first chunks through, then stores but never acks from the <c>count</c>-th chunk on.</summary>
    private sealed class WithholdAcksFrom(int count) : IIngestHook
    {
        private int _seen;

        public int Count => count;

        public TaskCompletionSource<IReadOnlyList<ChunkMetadata>> Withheld { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public ConcurrentQueue<Guid> WithheldIds { get; } = new();

        public ValueTask<bool> BeforeAckAsync(IReadOnlyList<ChunkMetadata> persisted, CancellationToken cancellationToken)
        {
            if (Interlocked.Add(ref _seen, persisted.Count) < count)
            {
                return ValueTask.FromResult(true);
            }

            foreach (var chunk in persisted)
            {
                WithheldIds.Enqueue(chunk.ChunkId);
            }

            Withheld.TrySetResult(persisted);
            return ValueTask.FromResult(false);
        }
    }
}
