using System.Collections;
using Iot.Edge.Agent.Hosting;

namespace Iot.Edge.Agent.Uplink;

/// <summary>
/// The brokers a session may use, in the order they are tried. Compared by value, so an identity rebuilt with the same
/// list (a credential rotation) does not look like a new deployment to <see cref="BrokerFailover"/>.
/// </summary>
public sealed class BrokerEndpoints : IReadOnlyList<BrokerEndpoint>, IEquatable<BrokerEndpoints>
{
    private readonly BrokerEndpoint[] _items;

    /// <summary>Repeats are dropped (first one wins), so a claim broker that is also in <c>Mqtt:Hosts</c> is tried once per cycle.</summary>
    public BrokerEndpoints(IEnumerable<BrokerEndpoint> items)
    {
        _items = items.Distinct().ToArray();
        if (_items.Length == 0)
        {
            throw new ArgumentException("at least one broker is needed", nameof(items));
        }
    }

    public int Count => _items.Length;

    public BrokerEndpoint this[int index] => _items[index];

    /// <summary>
    /// <c>Mqtt:Hosts</c> when set, else the one-entry list <c>Mqtt:Host</c>:<c>Mqtt:Port</c>. The options validator has
    /// already refused bad entries; one that slips through (options built in code) throws rather than being skipped.
    /// </summary>
    public static BrokerEndpoints Configured(MqttOptions o)
    {
        ArgumentNullException.ThrowIfNull(o);
        if (o.Hosts.Count == 0)
        {
            // Mqtt:Host was a bare host before lists existed; it is taken as is (brackets dropped), as it always was.
            return new([new BrokerEndpoint((o.Host ?? MqttOptions.DefaultHost).Trim('[', ']'), o.Port)]);
        }

        return new(o.Hosts.Select((h, i) => BrokerEndpoint.TryParse(h, o.Port, out var e, out var error)
            ? e
            : throw new InvalidOperationException($"{MqttOptions.Section}:Hosts:{i} '{h}' {error}")));
    }

    /// <summary>
    /// A broker the cloud named for this device (claim bundle, stored credentials) first; <c>Mqtt:Hosts</c>, when set,
    /// after it as fallbacks. Without <c>Mqtt:Hosts</c> the named broker stays the only one, as before lists existed:
    /// the default <c>Mqtt:Host</c> (127.0.0.1) is not a fallback anybody asked for.
    /// </summary>
    public static BrokerEndpoints Named(BrokerEndpoint first, MqttOptions o)
    {
        ArgumentNullException.ThrowIfNull(o);
        return o.Hosts.Count == 0 ? new([first]) : new(Configured(o).Prepend(first));
    }

    public int IndexOf(BrokerEndpoint endpoint) => Array.IndexOf(_items, endpoint);

    public IEnumerator<BrokerEndpoint> GetEnumerator() => ((IEnumerable<BrokerEndpoint>)_items).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => _items.GetEnumerator();

    public bool Equals(BrokerEndpoints? other) => other is not null && _items.AsSpan().SequenceEqual(other._items);

    public override bool Equals(object? obj) => Equals(obj as BrokerEndpoints);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var item in _items)
        {
            hash.Add(item);
        }

        return hash.ToHashCode();
    }

    public override string ToString() => string.Join(", ", _items);
}
