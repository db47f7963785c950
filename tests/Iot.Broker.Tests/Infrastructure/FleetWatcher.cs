using System.Collections.Concurrent;
using Iot.Protocol.Provisioning;
using Iot.Protocol.Topics;
using MQTTnet;

namespace Iot.Broker.Tests.Infrastructure;

/// <summary>
/// Everything the cloud services may read, merged: svc.bridge (chunks) and svc.provisioning (requests, status,
/// telemetry, reported, cmdresult, fleet). Since issue 15 no single account may subscribe to <c>iot/#</c> (svc.ops read
/// provisioning responses and rotation commands through it), so the leak check watches through the accounts that
/// exist; secret-bearing topics (cmd, ack, config, provisioning responses) are readable by their target only.
/// </summary>
public sealed class FleetWatcher : IAsyncDisposable
{
    private readonly List<MqttProbe> _probes = [];

    public ConcurrentBag<(string Topic, string Payload)> Received { get; } = [];

    /// <summary><paramref name="bridgeSecret"/>: the embedded broker mints its own (<see cref="EmbeddedBrokerHost.BridgeSecret"/>).</summary>
    public static async Task<FleetWatcher> ConnectAsync(int port, TestFleet f, string bridgeSecret)
    {
        var watcher = new FleetWatcher();
        var suffix = Guid.NewGuid().ToString("n")[..8];
        var bridge = await MqttProbe.ConnectOrFailAsync(port, "svc.bridge", bridgeSecret, "bridge-watch-" + suffix);
        await Subscribe(watcher, bridge, [TopicTree.AllChunks]);
        var provisioning = await MqttProbe.ConnectOrFailAsync(port, "svc.provisioning", f.ProvisioningSecret, "provisioning-watch-" + suffix);
        await Subscribe(watcher, provisioning, [
            ProvisioningTopics.AllRequests, TopicTree.Prefix + "+/+/status", TopicTree.Prefix + "+/+/telemetry",
            TopicTree.Prefix + "+/+/reported", TopicTree.Prefix + "+/+/cmdresult", "iot/fleet/v1/#",
        ]);
        return watcher;
    }

    private static async Task Subscribe(FleetWatcher watcher, MqttProbe probe, string[] filters)
    {
        watcher._probes.Add(probe);
        probe.Mirror(watcher.Received);
        foreach (var filter in filters)
        {
            Assert.Equal(MqttClientSubscribeResultCode.GrantedQoS1, await probe.SubscribeAsync(filter));
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var probe in _probes)
        {
            await probe.DisposeAsync();
        }
    }
}
