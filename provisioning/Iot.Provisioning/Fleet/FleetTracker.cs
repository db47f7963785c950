using System.Collections.Concurrent;
using Iot.Protocol.Messages;
using Iot.Protocol.Serialization;
using Iot.Protocol.Topics;

namespace Iot.Provisioning.Fleet;

/// <summary>Last known status and telemetry per device, from the retained status and periodic telemetry topics.</summary>
/// <remarks>With a <see cref="DeviceHealthWriter"/> (the bridge host), what it hears is also kept in <c>device_health</c>.</remarks>
public sealed class FleetTracker(DeviceHealthWriter? health = null)
{
    private readonly ConcurrentDictionary<(string Tenant, string Device), DeviceState> _online = new();
    private readonly ConcurrentDictionary<(string Tenant, string Device), DeviceTelemetry> _telemetry = new();

    public void Observe(DeviceTopic topic, byte[] payload)
    {
        var key = (topic.TenantId, topic.DeviceId);
        if (topic.Kind == TopicKind.Status && ProtocolJson.TryDeserialize<DeviceStatus>(payload, out _) is { } status)
        {
            _online[key] = status.State;
            health?.OnStatus(topic.TenantId, topic.DeviceId, status);
        }
        else if (topic.Kind == TopicKind.Telemetry && ProtocolJson.TryDeserialize<DeviceTelemetry>(payload, out _) is { } telemetry)
        {
            _telemetry[key] = telemetry;
            health?.OnTelemetry(topic.TenantId, topic.DeviceId, telemetry);
        }
    }

    /// <summary>
    /// Whether the device's last status says it is connected. The status is retained with an offline last will, and
    /// only the device itself may publish it (broker ACL), so a look-alike cannot fake the device being away.
    /// </summary>
    public bool IsOnline(string tenantId, string deviceId) =>
        _online.TryGetValue((tenantId, deviceId), out var state) && state == DeviceState.Online;

    public (int Online, int MicMissing, long Backlog) Snapshot(string tenantId, IReadOnlySet<string> registered)
    {
        var online = _online.Count(p => p.Key.Tenant == tenantId && registered.Contains(p.Key.Device) && p.Value == DeviceState.Online);
        var telemetry = _telemetry.Where(p => p.Key.Tenant == tenantId && registered.Contains(p.Key.Device)).Select(p => p.Value).ToList();
        return (online, telemetry.Count(t => t.Mic == "missing"), telemetry.Sum(t => (long)t.OutboxDepth));
    }
}
