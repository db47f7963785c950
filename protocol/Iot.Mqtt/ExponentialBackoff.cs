namespace Iot.Mqtt;

/// <summary>The reconnect and retry policy every MQTT client of the system follows: exponential backoff with "equal jitter": half the step fixed, half random, so a fleet that lost the broker together does not return together.</summary>
public sealed class ExponentialBackoff(TimeSpan min, TimeSpan max, Random? random = null)
{
    private readonly Random _random = random ?? Random.Shared;

    public TimeSpan Delay(int attempt)
    {
        var ceiling = Math.Min(max.TotalMilliseconds, min.TotalMilliseconds * Math.Pow(2, Math.Clamp(attempt, 0, 30)));
        var half = ceiling / 2;
        return TimeSpan.FromMilliseconds(half + (_random.NextDouble() * half));
    }
}
