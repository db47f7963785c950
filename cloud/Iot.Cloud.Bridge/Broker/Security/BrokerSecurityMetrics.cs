namespace Iot.Cloud.Bridge.Broker.Security;

/// <summary>Refusal counters, by kind, for logs and tests.</summary>
public sealed class BrokerSecurityMetrics
{
    private long _connectRefused;
    private long _publishRefused;
    private long _subscribeRefused;
    private long _kicked;
    private long _oversized;

    public long ConnectRefused => Interlocked.Read(ref _connectRefused);

    public long PublishRefused => Interlocked.Read(ref _publishRefused);

    public long SubscribeRefused => Interlocked.Read(ref _subscribeRefused);

    public long Kicked => Interlocked.Read(ref _kicked);

    /// <summary>Publishes larger than <c>Broker:MaxPacketBytes</c>, refused and their sessions closed.</summary>
    public long OversizedRefused => Interlocked.Read(ref _oversized);

    public long RefusedTotal => ConnectRefused + PublishRefused + SubscribeRefused;

    internal void OnConnectRefused() => Interlocked.Increment(ref _connectRefused);

    internal void OnPublishRefused() => Interlocked.Increment(ref _publishRefused);

    internal void OnSubscribeRefused() => Interlocked.Increment(ref _subscribeRefused);

    internal void OnKicked() => Interlocked.Increment(ref _kicked);

    internal void OnOversized() => Interlocked.Increment(ref _oversized);
}
