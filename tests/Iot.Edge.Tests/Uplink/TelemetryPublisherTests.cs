using Iot.Edge.Tests.Provisioning;
using Iot.Protocol.Messages;
using Iot.Protocol.Serialization;
using Iot.Protocol.Topics;
using Iot.TestSupport;

namespace Iot.Edge.Tests.Uplink;

public class TelemetryPublisherTests
{
    [Fact]
    public async Task Telemetry_names_the_source_the_trigger_the_broker_and_whether_the_session_uses_tls()
    {
        await using var cloud = await FakeCloud.StartAsync();
        using var dir = new TempDirectory();
        await using var agent = await AgentRig.CreateAsync(cloud, dir);
        agent.Settings["Mqtt:TelemetrySeconds"] = "1";
        agent.Settings["Recording:Trigger"] = "Visits";
        await agent.StartProvisionedAsync(cloud);

        var topic = TopicTree.Telemetry("acme", "pos-1");
        await Eventually.WaitAsync(() => Task.FromResult(cloud.Messages.Any(m => m.Topic == topic)), TimeSpan.FromSeconds(20), "telemetry published");
        var telemetry = ProtocolJson.TryDeserialize<DeviceTelemetry>(cloud.Messages.First(m => m.Topic == topic).Payload, out var error);

        Assert.True(telemetry is not null, error);

        // A file source: no microphone state, but the file it replays; the fake cloud listens in plain MQTT on loopback.
        Assert.Null(telemetry.Mic);
        Assert.Equal(Path.GetFileName(agent.Settings["Audio:WavPath"]), telemetry.MicName);
        Assert.Equal("Visits", telemetry.RecordingTrigger);
        Assert.False(telemetry.Tls);
        Assert.Equal(cloud.Broker, telemetry.Broker);
        Assert.NotNull(telemetry.AgentVersion);
        Assert.NotNull(telemetry.StartedAtUtc);
    }
}
