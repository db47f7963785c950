using System.Diagnostics.CodeAnalysis;
using Iot.Protocol.Messages;

namespace Iot.Protocol.Chunks;

public sealed class EnvelopeReadResult
{
    private EnvelopeReadResult(ChunkMetadata? metadata, byte[]? audio, RejectReason reason, string? error)
    {
        Metadata = metadata;
        Audio = audio;
        Reason = reason;
        Error = error;
    }

    /// <summary>Set on success, and on failure when the header could still be read (so the device can be told).</summary>
    public ChunkMetadata? Metadata { get; }

    public byte[]? Audio { get; }

    public RejectReason Reason { get; }

    public string? Error { get; }

    [MemberNotNullWhen(true, nameof(Metadata), nameof(Audio))]
    [MemberNotNullWhen(false, nameof(Error))]
    public bool Success => Error is null;

    internal static EnvelopeReadResult Ok(ChunkMetadata metadata, byte[] audio) => new(metadata, audio, RejectReason.None, null);

    internal static EnvelopeReadResult Fail(RejectReason reason, string error, ChunkMetadata? metadata = null) => new(metadata, null, reason, error);
}
