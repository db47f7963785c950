namespace Iot.Cloud.Bridge.Broker.Security;

/// <summary>Refusal counters, by kind, for logs and tests.</summary>
public sealed class BrokerSecurityMetrics
{
    private long _connectRefused;
    private long _publishRefused;
    private long _subscribeRefused;
    private long _kicked;

    public long ConnectRefused => Interlocked.Read(ref _connectRefused);

    public long PublishRefused => Interlocked.Read(ref _publishRefused);

    public long SubscribeRefused => Interlocked.Read(ref _subscribeRefused);

    public long Kicked => Interlocked.Read(ref _kicked);

    public long RefusedTotal => ConnectRefused + PublishRefused + SubscribeRefused;

    internal void OnConnectRefused() => Interlocked.Increment(ref _connectRefused);

    internal void OnPublishRefused() => Interlocked.Increment(ref _publishRefused);

    internal void OnSubscribeRefused() => Interlocked.Increment(ref _subscribeRefused);

    internal void OnKicked() => Interlocked.Increment(ref _kicked);
}
