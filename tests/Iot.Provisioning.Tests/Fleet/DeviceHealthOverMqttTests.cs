using Iot.Protocol.Messages;
using Iot.Protocol.Serialization;
using Iot.Protocol.Topics;
using Iot.Provisioning.Tests.Infrastructure;
using Iot.TestSupport;

namespace Iot.Provisioning.Tests.Fleet;

/// <summary>Status and telemetry published by a provisioned device through a real bridge end up in device_health and device_events.</summary>
public sealed class DeviceHealthOverMqttTests
{
    [Fact]
    public async Task A_devices_status_and_telemetry_reach_device_health_and_its_restart_is_recorded()
    {
        await using var node = await CloudNode.StartAsync(new Dictionary<string, string?> { ["Alerts:HealthFlushSeconds"] = "1", ["Alerts:EvaluateSeconds"] = "3600" });
        var credentials = await node.ProvisionAsync("sn-health-1", "till-health");
        await using var device = await FakeDevice.AsIdentityAsync(node.Port, credentials);
        var started = DateTimeOffset.UtcNow.AddMinutes(-1);

        await device.PublishAsync(TopicTree.Status(CloudNode.Tenant, "till-health"), ProtocolJson.Serialize(new DeviceStatus
        {
            State = DeviceState.Online, AtUtc = DateTimeOffset.UtcNow, ReconnectReason = "first-connect", StartedAtUtc = started, AgentVersion = "9.9.9",
        }), retain: true);
        await device.PublishAsync(TopicTree.Telemetry(CloudNode.Tenant, "till-health"), ProtocolJson.Serialize(new DeviceTelemetry
        {
            AtUtc = DateTimeOffset.UtcNow, OutboxDepth = 42, Mic = "streaming", SpoolFreeBytes = 10, SpoolTotalBytes = 100, StartedAtUtc = started,
        }));
        await Eventually.WaitAsync(
            async () => await node.ScalarAsync<string>("SELECT state || ':' || (telemetry ->> 'outboxDepth') || ':' || (telemetry ->> 'spoolTotalBytes') || ':' || agent_version FROM device_health WHERE device_id = 'till-health'") == "online:42:100:9.9.9",
            TimeSpan.FromSeconds(20),
            "device_health written from the topics");

        await device.PublishAsync(TopicTree.Status(CloudNode.Tenant, "till-health"), ProtocolJson.Serialize(new DeviceStatus
        {
            State = DeviceState.Online, AtUtc = DateTimeOffset.UtcNow.AddSeconds(1), ReconnectReason = "first-connect", StartedAtUtc = DateTimeOffset.UtcNow,
        }), retain: true);
        await Eventually.WaitAsync(
            async () => await node.ScalarAsync<string>("SELECT string_agg(kind, ',' ORDER BY event_id) FROM device_events WHERE device_id = 'till-health'") == "online,restart",
            TimeSpan.FromSeconds(20),
            "the second process start recorded as a restart");
    }
}
