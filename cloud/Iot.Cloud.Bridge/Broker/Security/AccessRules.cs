using Iot.Protocol.Provisioning;
using Iot.Protocol.Topics;

namespace Iot.Cloud.Bridge.Broker.Security;

/// <summary>
/// What each identity may publish and subscribe to, as MQTT filters. One definition feeds both the embedded broker's
/// checks and the Mosquitto dynamic-security roles, so the two brokers cannot drift apart.
/// Devices and claims get exact topics only (no wildcards); services get wildcard filters over the fleet, each only
/// over the topic kinds it needs. Secret-bearing topics (a device's cmd, a serial's provisioning response) are readable
/// by the target device only; provisioning publishes them and subscribes to neither.
/// </summary>
public sealed record AccessRules(IReadOnlyList<string> Publish, IReadOnlyList<string> Subscribe)
{
    private const string AnyDevice = TopicTree.Prefix + "+/+/";

    /// <summary>Every alert topic: each tenant's and the platform's (<c>iot/alerts/v1/_platform/event</c>).</summary>
    public const string AllAlerts = "iot/alerts/v1/+/event";

    public static readonly AccessRules None = new([], []);

    public static AccessRules For(MqttPrincipal p) => p.Kind switch
    {
        PrincipalKind.Device => ForDevice(p.TenantId, p.DeviceId),
        PrincipalKind.Claim => ForSerial(p.Serial),
        PrincipalKind.Service => ForService(p.ServiceName),
        PrincipalKind.Anonymous => new(["#"], ["#"]),
        _ => None,
    };

    public static AccessRules ForDevice(string tenantId, string deviceId) => new(
        [
            TopicTree.Chunk(tenantId, deviceId),
            TopicTree.Status(tenantId, deviceId),
            TopicTree.Telemetry(tenantId, deviceId),
            TopicTree.Reported(tenantId, deviceId),
            TopicTree.CmdResult(tenantId, deviceId),
        ],
        [
            TopicTree.Ack(tenantId, deviceId),
            TopicTree.Cmd(tenantId, deviceId),
            TopicTree.Config(tenantId, deviceId),
        ]);

    public static AccessRules ForSerial(string serial) =>
        new([ProvisioningTopics.Request(serial)], [ProvisioningTopics.Response(serial)]);

    public static AccessRules ForService(string name) => name switch
    {
        ServiceNames.Bridge => new([AnyDevice + "ack"], [TopicTree.AllChunks]),
        ServiceNames.Provisioning => new(
            [ProvisioningTopics.Prefix + "+/response", AnyDevice + "config", AnyDevice + "cmd", "iot/fleet/v1/+/summary", AllAlerts],
            [ProvisioningTopics.AllRequests, AnyDevice + "cmdresult", AnyDevice + "status", AnyDevice + "telemetry", AnyDevice + "reported", "iot/fleet/v1/#"]),
        // Read-only operations: what the fleet is doing, never what carries a secret (provisioning responses hold a new
        // device password, cmd topics carry rotate-credentials, config may carry integration settings). Alert events carry
        // no secret, only what the dashboard shows about an alert.
        ServiceNames.Ops => new([], [AnyDevice + "status", AnyDevice + "telemetry", "iot/fleet/v1/#", "iot/alerts/v1/#", "$SYS/#"]),
        _ => None,
    };

    /// <summary>Devices and claims may only name their own topics literally; services may use wildcards inside their filters.</summary>
    public bool AllowsWildcards(MqttPrincipal p) => p.Kind is PrincipalKind.Service or PrincipalKind.Anonymous;

    public bool CanPublish(string topic) =>
        !string.IsNullOrEmpty(topic) && !topic.Contains('+', StringComparison.Ordinal) && !topic.Contains('#', StringComparison.Ordinal)
        && Publish.Any(f => TopicFilter.Matches(f, topic));

    public bool CanSubscribe(MqttPrincipal p, string filter)
    {
        var plain = TopicFilter.StripShare(filter);
        if (plain is null)
        {
            return false;
        }

        if (!AllowsWildcards(p))
        {
            // Exact topics only, and no shared-subscription form: a device has no reason to share its own topics.
            return ReferenceEquals(plain, filter) && Subscribe.Contains(plain, StringComparer.Ordinal);
        }

        return Subscribe.Any(allowed => TopicFilter.Covers(allowed, plain));
    }
}
