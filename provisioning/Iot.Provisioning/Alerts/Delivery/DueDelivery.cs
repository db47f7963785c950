namespace Iot.Provisioning.Alerts.Delivery;

/// <summary>One claimed <c>alert_deliveries</c> row with its alert and (unless it goes to the MQTT topic) its channel.</summary>
public sealed class DueDelivery
{
    public long DeliveryId { get; init; }
    public string Event { get; init; } = "";
    public int Attempts { get; init; }
    public long? ChannelId { get; init; }
    public DateTime CreatedAt { get; init; }

    public long AlertId { get; init; }
    public string? TenantId { get; init; }
    public string? BranchId { get; init; }
    public string? DeviceId { get; init; }
    public string Rule { get; init; } = "";
    public string Subject { get; init; } = "";
    public string Severity { get; init; } = "";
    public string Summary { get; init; } = "";
    public string Details { get; init; } = "{}";
    public DateTime FirstSeenAt { get; init; }
    public DateTime LastSeenAt { get; init; }
    public int Occurrences { get; init; }
    public DateTime? ResolvedAt { get; init; }
    public DateTime? AcknowledgedAt { get; init; }
    public string? AcknowledgedBy { get; init; }

    /// <summary>Null when <see cref="ChannelId"/> is set but the channel row is gone.</summary>
    public long? ChannelRowId { get; init; }
    public string? Kind { get; init; }
    public string? Name { get; init; }
    public string? Url { get; init; }
    public string? Template { get; init; }
    public string? Secret { get; init; }
    public string[]? Recipients { get; init; }
    public bool ChannelEnabled { get; init; }

    public bool IsMqtt => ChannelId is null;
}
