namespace Iot.Provisioning.Alerts.Delivery;

public enum DeliveryVerdict
{
    Delivered,

    /// <summary>Worth another attempt (timeouts, 5xx, 408, 429, broker or SMTP server unreachable).</summary>
    Retry,

    /// <summary>Will not get better by waiting (4xx, redirect, refused target, disabled channel, no SMTP).</summary>
    Dead,
}

/// <summary>What one attempt came to. <see cref="ResponseStatus"/> is the HTTP status or SMTP reply code when there was one.</summary>
public sealed record DeliveryOutcome(DeliveryVerdict Verdict, int? ResponseStatus, string? Error, TimeSpan? RetryAfter = null)
{
    public static DeliveryOutcome Delivered(int? status = null) => new(DeliveryVerdict.Delivered, status, null);

    public static DeliveryOutcome Retry(string error, int? status = null, TimeSpan? retryAfter = null) => new(DeliveryVerdict.Retry, status, error, retryAfter);

    public static DeliveryOutcome Dead(string error, int? status = null) => new(DeliveryVerdict.Dead, status, error);
}
