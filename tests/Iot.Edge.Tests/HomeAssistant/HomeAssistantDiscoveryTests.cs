using System.Text.Json;
using Iot.Edge.Agent.Provisioning;
using Iot.Edge.Tests.Provisioning;
using Iot.TestSupport;

namespace Iot.Edge.Tests.HomeAssistant;

public class HomeAssistantDiscoveryTests
{
    private const string ConfigTopic = "homeassistant/device/acme_pos-1/config";

    [Fact]
    public async Task Discovery_is_announced_on_connect_again_when_home_assistant_comes_online_and_withdrawn_on_reprovision()
    {
        await using var cloud = await FakeCloud.StartAsync();
        using var dir = new TempDirectory();
        await using var agent = await AgentRig.CreateAsync(cloud, dir);
        agent.Settings["HomeAssistant:Enabled"] = "true";
        await agent.StartProvisionedAsync(cloud);
        await Eventually.WaitAsync(() => Task.FromResult(cloud.On(ConfigTopic).Count == 1), TimeSpan.FromSeconds(15), "discovery announced");

        using (var doc = JsonDocument.Parse(cloud.On(ConfigTopic)[0].Payload))
        {
            var components = doc.RootElement.GetProperty("cmps");
            Assert.Equal(["online", "recording", "mic", "backlog"], components.EnumerateObject().Select(p => p.Name));
            Assert.Equal("iot/v1/acme/pos-1/status", components.GetProperty("online").GetProperty("state_topic").GetString());
            Assert.Equal("binary_sensor", components.GetProperty("online").GetProperty("p").GetString());
            Assert.Equal("iot/v1/acme/pos-1/telemetry", components.GetProperty("backlog").GetProperty("state_topic").GetString());
            Assert.Contains("outboxDepth", components.GetProperty("backlog").GetProperty("value_template").GetString(), StringComparison.Ordinal);
            Assert.Equal("iot_acme_pos-1", doc.RootElement.GetProperty("dev").GetProperty("ids")[0].GetString());
        }

        await cloud.PublishRawAsync("homeassistant/status", "online");
        await Eventually.WaitAsync(() => Task.FromResult(cloud.On(ConfigTopic).Count == 2), TimeSpan.FromSeconds(15), "re-announced after HA birth");
        await cloud.PublishRawAsync("homeassistant/status", "offline");
        cloud.PendForever();

        agent.Get<Reprovisioner>().Reprovision("test");

        await Eventually.WaitAsync(() => Task.FromResult(cloud.On(ConfigTopic).Any(m => m.Payload.Length == 0)), TimeSpan.FromSeconds(15), "discovery withdrawn",
            () => Task.FromResult($"beat age {System.Diagnostics.Stopwatch.GetElapsedTime(agent.Get<Iot.Edge.Agent.Uplink.UplinkStatus>().HeartbeatTimestamp)} published {agent.Get<Iot.Edge.Agent.Uplink.UplinkStatus>().Published} connected {agent.Get<Iot.Edge.Agent.Uplink.UplinkStatus>().IsConnected} outbox {agent.Get<Iot.Edge.Agent.Outbox.ChunkOutbox>().PeekReady(100, []).Count} " + string.Join(" | ", cloud.Messages.Select(m => m.Topic + ":" + m.Payload.Length))));
        Assert.Equal(3, cloud.On(ConfigTopic).Count);
    }

    [Fact]
    public async Task A_broker_that_refuses_home_assistant_topics_does_not_stop_the_upload()
    {
        await using var cloud = await FakeCloud.StartAsync();
        cloud.RefuseHomeAssistant = true;
        using var dir = new TempDirectory();
        await using var agent = await AgentRig.CreateAsync(cloud, dir);
        agent.Settings["HomeAssistant:Enabled"] = "true";

        await agent.StartProvisionedAsync(cloud);
        await ClaimFlowTests.WaitForChunkAsync(cloud, "acme", "pos-1");

        Assert.Empty(cloud.On(ConfigTopic));
        Assert.Single(cloud.Connects, c => c.ClientId == "acme.pos-1");
    }

    [Fact]
    public async Task Discovery_is_off_by_default()
    {
        await using var cloud = await FakeCloud.StartAsync();
        using var dir = new TempDirectory();
        await using var agent = await AgentRig.CreateAsync(cloud, dir);
        await agent.StartProvisionedAsync(cloud);
        await Task.Delay(1000);

        Assert.DoesNotContain(cloud.Messages, m => m.Topic.StartsWith("homeassistant/", StringComparison.Ordinal));
    }
}
