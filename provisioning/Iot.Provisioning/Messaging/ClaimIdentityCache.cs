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
    private readonly Lock _gate = new();

    // Per key, the claims in publish order: byte-identical requests from two claims (a retry racing an impostor's copy)
    // are handled in the order the broker routed them, so each takes the identity it was published with.
    private readonly Dictionary<(string Serial, string Digest), Queue<string>> _claims = new();
    private readonly Queue<(string Serial, string Digest)> _order = new();

    /// <summary>Call with the publisher's authenticated username for a message on a provisioning request topic.</summary>
    public void Record(string topic, string? username, ReadOnlySpan<byte> payload)
    {
        if (!ProvisioningTopics.TryParseRequest(topic, out var serial)
            || username is null || !username.StartsWith(MqttIdentities.ClaimPrefix, StringComparison.Ordinal))
        {
            return;
        }

        var key = (serial, Digest(payload));
        var claim = username[MqttIdentities.ClaimPrefix.Length..];
        lock (_gate)
        {
            if (!_claims.TryGetValue(key, out var queue))
            {
                _claims[key] = queue = new Queue<string>(1);
            }

            queue.Enqueue(claim);
            _order.Enqueue(key);
            while (_order.Count > Capacity && _order.TryDequeue(out var old))
            {
                Take(old);
            }
        }
    }

    /// <summary>The claim that published exactly this payload for the serial (the earliest such); the entry is consumed.</summary>
    public string? ClaimIdFor(string serial, ReadOnlySpan<byte> payload)
    {
        var key = (serial, Digest(payload));
        lock (_gate)
        {
            // The key's place in _order stays behind: evicting it later is a no-op, or (10,000 publishes on) takes a newer
            // identical request's entry, which is then answered as if no claim were known — refused, never mis-assigned.
            return Take(key);
        }
    }

    /// <summary>Entries recorded and not yet consumed or evicted.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _claims.Values.Sum(q => q.Count);
            }
        }
    }

    private string? Take((string Serial, string Digest) key)
    {
        if (!_claims.TryGetValue(key, out var queue) || !queue.TryDequeue(out var claim))
        {
            return null;
        }

        if (queue.Count == 0)
        {
            _claims.Remove(key);
        }

        return claim;
    }

    private static string Digest(ReadOnlySpan<byte> payload) => Convert.ToBase64String(SHA256.HashData(payload));
}
