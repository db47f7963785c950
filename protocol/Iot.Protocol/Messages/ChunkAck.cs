namespace Iot.Protocol.Messages;

/// <summary>The bridge's application-level answer to a chunk, sent only after the outcome is durable.</summary>
public sealed record ChunkAck
{
    /// <summary>Null only when the chunk was too malformed to read its id.</summary>
    public Guid? ChunkId { get; init; }

    public required AckStatus Status { get; init; }

    public RejectReason Reason { get; init; }

    public string? Detail { get; init; }

    /// <summary>For <see cref="AckStatus.Rejected"/>: true when the same bytes may succeed later (e.g. device not registered yet).</summary>
    public bool Retryable { get; init; }

    public required DateTimeOffset AtUtc { get; init; }
}
