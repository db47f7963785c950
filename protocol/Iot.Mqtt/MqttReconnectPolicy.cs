namespace Iot.Mqtt;

/// <summary>
/// How a kept-up session retries: exponential backoff with equal jitter between failed attempts (a fleet that lost
/// the broker together must not return together), and how often a connected session re-checks that it still wants
/// the connection it has (identity changes) when no disconnect wakes it.
/// </summary>
public sealed class MqttReconnectPolicy(TimeSpan minDelay, TimeSpan maxDelay, TimeSpan? checkInterval = null, Random? random = null)
{
    private readonly ExponentialBackoff _backoff = new(minDelay, maxDelay, random);

    /// <summary>The cloud services' policy: 200 ms doubling to 30 s, re-check every 250 ms.</summary>
    public static MqttReconnectPolicy Cloud { get; } = new(TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(30));

    public TimeSpan CheckInterval { get; } = checkInterval ?? TimeSpan.FromMilliseconds(250);

    public TimeSpan Delay(int failures) => _backoff.Delay(failures);
}
