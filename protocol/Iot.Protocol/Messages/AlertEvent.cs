namespace Iot.Protocol.Messages;

/// <summary>
/// An alert opening, resolving or being acknowledged: the payload of <c>iot/alerts/v1/{tenant}/event</c> (QoS 1, not
/// retained) and the body of a generic signed webhook. <see cref="TenantId"/> is null for a platform alert.
/// </summary>
public sealed record AlertEvent
{
    public required long AlertId { get; init; }

    /// <summary>opened, resolved or acknowledged.</summary>
    public required string Event { get; init; }

    public string? TenantId { get; init; }

    public string? BranchId { get; init; }

    public string? DeviceId { get; init; }

    public required string Rule { get; init; }

    public required string Subject { get; init; }

    /// <summary>warning or critical.</summary>
    public required string Severity { get; init; }

    public required string Summary { get; init; }

    public double? Value { get; init; }

    public double? Threshold { get; init; }

    public string? Unit { get; init; }

    public required DateTimeOffset FirstSeenUtc { get; init; }

    public required DateTimeOffset LastSeenUtc { get; init; }

    public int Occurrences { get; init; }

    public DateTimeOffset? ResolvedUtc { get; init; }

    public DateTimeOffset? AcknowledgedUtc { get; init; }

    public string? AcknowledgedBy { get; init; }

    public required DateTimeOffset AtUtc { get; init; }
}
