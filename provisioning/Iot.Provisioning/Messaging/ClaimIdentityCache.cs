using System.Collections.Concurrent;
using System.Security.Cryptography;
using Iot.Protocol.Provisioning;

namespace Iot.Provisioning.Messaging;

/// <summary>
/// Which claim credential published a given provisioning request. A subscriber cannot see a publisher's username, so
/// the broker integration (which can: MQTTnet's InterceptingPublish, or an auth plugin) records it here before the
/// message is routed. Lookups fall back to <c>Provisioning:DefaultClaimId</c>.
/// </summary>
/// <remarks>
/// Keyed by serial and a hash of the exact payload, not by serial alone: two claims publishing for one serial at once
/// (a device and an impostor of another tenant) would otherwise swap identities between recording and handling.
/// An entry is taken when its request is handled; the oldest are dropped past <see cref="Capacity"/>, so requests that
/// are never handled (a stopped worker) cannot grow it without bound.
/// </remarks>
public sealed class ClaimIdentityCache
{
    public const int Capacity = 10_000;
    private readonly ConcurrentDictionary<(string Serial, string Digest), string> _claims = new();
    private readonly ConcurrentQueue<(string Serial, string Digest)> _order = new();

    /// <summary>Call with the publisher's authenticated username for a message on a provisioning request topic.</summary>
    public void Record(string topic, string? username, ReadOnlySpan<byte> payload)
    {
        if (!ProvisioningTopics.TryParseRequest(topic, out var serial)
            || username is null || !username.StartsWith(MqttIdentities.ClaimPrefix, StringComparison.Ordinal))
        {
            return;
        }

        var key = (serial, Digest(payload));
        _claims[key] = username[MqttIdentities.ClaimPrefix.Length..];
        _order.Enqueue(key);
        while (_order.Count > Capacity && _order.TryDequeue(out var old))
        {
            _claims.TryRemove(old, out _);
        }
    }

    /// <summary>The claim that published exactly this payload for the serial; the entry is consumed.</summary>
    public string? ClaimIdFor(string serial, ReadOnlySpan<byte> payload) =>
        _claims.TryRemove((serial, Digest(payload)), out var claim) ? claim : null;

    private static string Digest(ReadOnlySpan<byte> payload) => Convert.ToBase64String(SHA256.HashData(payload));
}
