namespace Iot.Provisioning.Alerts.Delivery;

/// <summary>Section <c>Alerts:Delivery</c>: how the bridge works through <c>alert_deliveries</c>.</summary>
public sealed class AlertDeliveryOptions
{
    public const string Section = "Alerts:Delivery";

    /// <summary>False = this bridge sends nothing (another bridge does); the rows wait for whoever runs the worker.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How often due rows are looked for when the last look found none (a full batch is followed at once).</summary>
    public int PollSeconds { get; set; } = 5;

    /// <summary>Failed attempts after which a delivery is given up ('dead').</summary>
    public int MaxAttempts { get; set; } = 10;

    /// <summary>One webhook request or one SMTP conversation, end to end.</summary>
    public int TimeoutSeconds { get; set; } = 10;

    /// <summary>Rows one worker claims at a time; small, so several bridges share a burst.</summary>
    public int BatchSize { get; set; } = 10;

    /// <summary>The first retry's delay; each later one doubles it (±20 % jitter) up to <see cref="MaxRetrySeconds"/>.</summary>
    public int FirstRetrySeconds { get; set; } = 30;

    public int MaxRetrySeconds { get; set; } = 3600;

    /// <summary>
    /// False (production default): webhook URLs that resolve to loopback, private, link-local, CGNAT or multicast
    /// addresses are refused, so a tenant admin cannot make the bridge call its own metrics endpoint, the cloud metadata
    /// service or anything else inside the network. True only for tests and closed installations whose hooks are internal.
    /// </summary>
    public bool AllowPrivateTargets { get; set; }

    /// <summary>
    /// How long a claimed batch is held before another bridge may take it again (a bridge that died mid-batch): every row
    /// of the batch may use the whole timeout, plus slack.
    /// </summary>
    public TimeSpan Lease => TimeSpan.FromSeconds((BatchSize * (TimeoutSeconds + 5)) + 30);
}
