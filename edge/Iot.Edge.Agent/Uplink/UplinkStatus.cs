namespace Iot.Edge.Agent.Uplink;

/// <summary>Counters and timestamps of the uplink, read by telemetry and tests.</summary>
public sealed class UplinkStatus
{
    private long _published;
    private long _acked;
    private long _ackTimeouts;
    private long _lastAckTicks;
    private long _connects;
    private int _connected;
    private long _heartbeatTimestamp;
    private long _failovers;
    private string? _broker;

    // -1 = no session yet, 0 = plain MQTT, 1 = TLS: one int so a reader never sees a broker with another session's TLS flag
    // for longer than one telemetry tick.
    private int _tls = -1;

    public bool IsConnected => Volatile.Read(ref _connected) == 1;

    /// <summary><see cref="TimeProvider.GetTimestamp"/> of the uplink loop's last turn; the systemd watchdog's proof of life.</summary>
    public long HeartbeatTimestamp => Interlocked.Read(ref _heartbeatTimestamp);

    public long Published => Interlocked.Read(ref _published);

    public long Acked => Interlocked.Read(ref _acked);

    public long AckTimeouts => Interlocked.Read(ref _ackTimeouts);

    public long Connects => Interlocked.Read(ref _connects);

    /// <summary>The broker of the current session, or of the last one while disconnected; null before the first connect.</summary>
    public string? Broker => Volatile.Read(ref _broker);

    /// <summary>Whether the current (or last) session uses TLS; null before the first connect.</summary>
    public bool? Tls => Volatile.Read(ref _tls) switch { 1 => true, 0 => false, _ => null };

    /// <summary>Sessions that came up on a different broker than the one before (<c>Mqtt:Hosts</c>).</summary>
    public long Failovers => Interlocked.Read(ref _failovers);

    public DateTimeOffset? LastAckUtc => Interlocked.Read(ref _lastAckTicks) is var t and > 0 ? new DateTimeOffset(t, TimeSpan.Zero) : null;

    internal void OnBroker(string broker, bool failover, bool tls)
    {
        Volatile.Write(ref _broker, broker);
        Volatile.Write(ref _tls, tls ? 1 : 0);
        if (failover)
        {
            Interlocked.Increment(ref _failovers);
        }
    }

    internal void OnConnected()
    {
        Interlocked.Increment(ref _connects);
        Volatile.Write(ref _connected, 1);
    }

    internal void OnDisconnected() => Volatile.Write(ref _connected, 0);

    internal void Beat(long timestamp) => Interlocked.Exchange(ref _heartbeatTimestamp, timestamp);

    internal void OnPublished() => Interlocked.Increment(ref _published);

    internal void OnAckTimedOut() => Interlocked.Increment(ref _ackTimeouts);

    internal void OnAcked(DateTimeOffset at)
    {
        Interlocked.Increment(ref _acked);
        Interlocked.Exchange(ref _lastAckTicks, at.UtcTicks);
    }
}
