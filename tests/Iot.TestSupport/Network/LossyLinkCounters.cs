namespace Iot.TestSupport.Network;

/// <summary>What <see cref="LossyTcpProxy"/> did, for assertions and the test's one-line summary.</summary>
public sealed class LossyLinkCounters
{
    private long _connections;
    private long _refused;
    private long _cuts;
    private long _stalls;
    private long _bytesUpstream;
    private long _bytesDownstream;

    /// <summary>Connections accepted and forwarded to the target.</summary>
    public long Connections => Interlocked.Read(ref _connections);

    /// <summary>Connections reset on arrival while the proxy refused new ones (or the target was unreachable).</summary>
    public long Refused => Interlocked.Read(ref _refused);

    public long Cuts => Interlocked.Read(ref _cuts);

    public long Stalls => Interlocked.Read(ref _stalls);

    /// <summary>Bytes delivered client → target.</summary>
    public long BytesUpstream => Interlocked.Read(ref _bytesUpstream);

    /// <summary>Bytes delivered target → client.</summary>
    public long BytesDownstream => Interlocked.Read(ref _bytesDownstream);

    internal void OnConnection() => Interlocked.Increment(ref _connections);

    internal void OnRefused() => Interlocked.Increment(ref _refused);

    internal void OnCut() => Interlocked.Increment(ref _cuts);

    internal void OnStall() => Interlocked.Increment(ref _stalls);

    internal void OnForwarded(bool upstream, int bytes)
    {
        if (upstream)
        {
            Interlocked.Add(ref _bytesUpstream, bytes);
        }
        else
        {
            Interlocked.Add(ref _bytesDownstream, bytes);
        }
    }

    public override string ToString() =>
        $"connections={Connections} refused={Refused} cuts={Cuts} stalls={Stalls} bytes-up={BytesUpstream} bytes-down={BytesDownstream}";
}
