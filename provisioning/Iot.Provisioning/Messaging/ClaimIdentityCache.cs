using System.Collections.Concurrent;
using Iot.Protocol.Provisioning;

namespace Iot.Provisioning.Messaging;

/// <summary>
/// Which claim credential published a serial's request. A subscriber cannot see a publisher's username, so the
/// broker integration (which can: MQTTnet's InterceptingPublish, or an auth plugin) records it here before the
/// message is routed. Lookups fall back to <c>Provisioning:DefaultClaimId</c>.
/// </summary>
public sealed class ClaimIdentityCache
{
    private readonly ConcurrentDictionary<string, string> _claimBySerial = new(StringComparer.Ordinal);

    /// <summary>Call with the publisher's authenticated username for a message on a provisioning request topic.</summary>
    public void Record(string topic, string? username)
    {
        if (ProvisioningTopics.TryParseRequest(topic, out var serial)
            && username is not null && username.StartsWith(MqttIdentities.ClaimPrefix, StringComparison.Ordinal))
        {
            _claimBySerial[serial] = username[MqttIdentities.ClaimPrefix.Length..];
        }
    }

    public string? ClaimIdFor(string serial) => _claimBySerial.TryGetValue(serial, out var claim) ? claim : null;
}
