namespace Iot.Edge.Agent.Uplink;

/// <summary>
/// Which broker the uplink tries next. Entries are tried in order; a failed attempt moves to the next one (wrapping);
/// a broker that accepted the session is sticky: after a disconnect it is tried first again, then the list continues
/// from there. There is no automatic return to the first entry: every broker delivers to the same cloud, and moving a
/// healthy session back would cost each device a reconnect and a resend of its in-flight chunks. A restart begins at
/// the first entry.
/// Not thread-safe: the uplink calls it under its session gate.
/// </summary>
internal sealed class BrokerFailover
{
    private BrokerEndpoints? _list;
    private int _index;
    private int _failedSinceConnect;

    /// <summary>The broker of the last successful session, if any.</summary>
    public BrokerEndpoint? Connected { get; private set; }

    /// <summary>
    /// The broker to try now. A different list (new identity, other claim broker) starts at its first entry, unless the
    /// broker in use is in it too: a re-provision or credential rotation does not move the device.
    /// </summary>
    public BrokerEndpoint Next(BrokerEndpoints list)
    {
        ArgumentNullException.ThrowIfNull(list);
        if (!list.Equals(_list))
        {
            _index = Connected is { } sticky && list.IndexOf(sticky) is >= 0 and var at ? at : 0;
            _list = list;
            _failedSinceConnect = 0;
        }

        return list[_index];
    }

    /// <summary>
    /// The attempt on the current broker failed; moves to the next one. Returns the backoff step to wait before that
    /// attempt: one step per full cycle of the list, so a dead first entry does not double the wait of every retry.
    /// With one broker this is 0, 1, 2, ... as the uplink's single-broker backoff always was.
    /// </summary>
    public int Failed()
    {
        var list = _list ?? throw new InvalidOperationException("Next was not called");
        var step = _failedSinceConnect / list.Count;
        _failedSinceConnect++;
        _index = (_index + 1) % list.Count;
        return step;
    }

    /// <summary>A session on <paramref name="broker"/> is up. Returns the broker it replaced when that was another one (a failover).</summary>
    public BrokerEndpoint? Succeeded(BrokerEndpoint broker)
    {
        if (_list is { } list && list.IndexOf(broker) is >= 0 and var at)
        {
            _index = at;
        }

        _failedSinceConnect = 0;
        var previous = Connected;
        Connected = broker;
        return previous is { } p && p != broker ? p : null;
    }
}
