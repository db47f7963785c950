namespace Iot.Protocol.Messages;

/// <summary>Periodic health sample from an agent.</summary>
public sealed record DeviceTelemetry
{
    public required DateTimeOffset AtUtc { get; init; }

    public int OutboxDepth { get; init; }

    public long OutboxBytes { get; init; }

    public double? OldestPendingAgeSeconds { get; init; }

    public int QuarantinedChunks { get; init; }

    public DateTimeOffset? LastAckUtc { get; init; }

    public bool Recording { get; init; }

    public long RssBytes { get; init; }

    public string? AgentVersion { get; init; }
}
