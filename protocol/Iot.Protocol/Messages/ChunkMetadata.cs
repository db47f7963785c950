namespace Iot.Protocol.Messages;

/// <summary>Everything the cloud needs to know about one recorded chunk; travels in the chunk envelope's header.</summary>
public sealed record ChunkMetadata
{
    /// <summary>Time-ordered (UUIDv7), minted on the device; the idempotency key end to end.</summary>
    public required Guid ChunkId { get; init; }

    public required string TenantId { get; init; }

    public required string DeviceId { get; init; }

    /// <summary>Per-device counter, gap-free on the device; gaps in the cloud mean dropped chunks.</summary>
    public required long Sequence { get; init; }

    public required DateTimeOffset StartedAtUtc { get; init; }

    public required int DurationMs { get; init; }

    public required int SampleRate { get; init; }

    public required string Codec { get; init; }

    public required int ByteLength { get; init; }

    /// <summary>Lower-case hex SHA-256 of the audio bytes.</summary>
    public required string Sha256 { get; init; }

    /// <summary>Queue-system visit this chunk belongs to, if recording was triggered by one.</summary>
    public string? TransactionId { get; init; }

    /// <summary>Desk user (operator) the device attributes the recording to: the visit's operator or the logged-in user.</summary>
    public string? OperatorId { get; init; }

    public IReadOnlyList<SpeechSegment> SpeechSegments { get; init; } = [];

    /// <summary>
    /// False when the device records in speech-only mode and heard no speech: only this metadata travels
    /// (<see cref="ByteLength"/> 0), so audio without speech never leaves the device.
    /// </summary>
    public bool AudioIncluded { get; init; } = true;

    /// <summary>On-device transcript; null (and absent on the wire) when the device produced none.</summary>
    public ChunkTranscript? Transcript { get; init; }
}
