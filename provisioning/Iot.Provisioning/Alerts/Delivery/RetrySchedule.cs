namespace Iot.Provisioning.Alerts.Delivery;

/// <summary>Exponential backoff with jitter: FirstRetrySeconds doubling per failed attempt up to MaxRetrySeconds, ±20 %.</summary>
public static class RetrySchedule
{
    /// <summary>The wait after <paramref name="failedAttempts"/> failures (1 = the first one failed).</summary>
    public static TimeSpan Delay(int failedAttempts, AlertDeliveryOptions o, Random random)
    {
        var exponent = Math.Clamp(failedAttempts - 1, 0, 30);
        var seconds = Math.Min(o.FirstRetrySeconds * Math.Pow(2, exponent), o.MaxRetrySeconds);
        // Jitter spreads the retries of one burst (many alerts to one dead hook) instead of hammering it in step.
        seconds *= 0.8 + (0.4 * random.NextDouble());
        return TimeSpan.FromSeconds(Math.Min(seconds, o.MaxRetrySeconds));
    }

    /// <summary>A receiver's Retry-After, kept within 1 s .. MaxRetrySeconds so a bad header can neither spin nor park a row.</summary>
    public static TimeSpan Honour(TimeSpan retryAfter, AlertDeliveryOptions o) =>
        TimeSpan.FromSeconds(Math.Clamp(retryAfter.TotalSeconds, 1, o.MaxRetrySeconds));
}
