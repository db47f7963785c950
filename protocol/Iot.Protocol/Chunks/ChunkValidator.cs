using System.Security.Cryptography;
using Iot.Protocol.Messages;
using Iot.Protocol.Topics;

namespace Iot.Protocol.Chunks;

/// <summary>Checks a decoded chunk against its topic and its own claims. Shared by agent (before publish) and bridge (on receive).</summary>
public static class ChunkValidator
{
    public static ChunkValidation Validate(ChunkMetadata metadata, ReadOnlySpan<byte> audio, DeviceTopic? topic)
    {
        ArgumentNullException.ThrowIfNull(metadata);

        if (topic is { } t && (t.TenantId != metadata.TenantId || t.DeviceId != metadata.DeviceId || t.Kind != TopicKind.Chunk))
        {
            return ChunkValidation.Fail(RejectReason.TopicMismatch, $"chunk for {metadata.TenantId}/{metadata.DeviceId} published on {t}");
        }

        var problem = FindMetadataProblem(metadata);
        if (problem is not null)
        {
            return ChunkValidation.Fail(RejectReason.InvalidMetadata, problem);
        }

        if (metadata.ByteLength != audio.Length)
        {
            return ChunkValidation.Fail(RejectReason.InvalidMetadata, $"byteLength says {metadata.ByteLength}, payload carries {audio.Length}");
        }

        var actual = Sha256Hex(audio);
        if (!string.Equals(actual, metadata.Sha256, StringComparison.Ordinal))
        {
            return ChunkValidation.Fail(RejectReason.HashMismatch, $"sha256 says {metadata.Sha256}, audio hashes to {actual}");
        }

        return ChunkValidation.Ok;
    }

    public static string Sha256Hex(ReadOnlySpan<byte> data) => Convert.ToHexStringLower(SHA256.HashData(data));

    private static string? FindMetadataProblem(ChunkMetadata m)
    {
        if (m.ChunkId == Guid.Empty || m.ChunkId.Version != 7)
        {
            return "chunkId must be a UUIDv7";
        }

        if (!TopicTree.IsValidId(m.TenantId) || !TopicTree.IsValidId(m.DeviceId))
        {
            return "tenantId and deviceId must be 1-64 of [a-z0-9_-]";
        }

        if (m.Sequence < 0)
        {
            return "sequence must not be negative";
        }

        if (m.DurationMs is <= 0 or > ProtocolLimits.MaxChunkDurationMs)
        {
            return $"durationMs must be 1..{ProtocolLimits.MaxChunkDurationMs}";
        }

        if (!AudioCodecs.SampleRates.Contains(m.SampleRate))
        {
            return $"sampleRate {m.SampleRate} is not an Opus rate";
        }

        if (m.Codec != AudioCodecs.OggOpus)
        {
            return $"codec '{m.Codec}' is not supported (expected '{AudioCodecs.OggOpus}')";
        }

        if (m.Sha256 is not { Length: 64 } || !m.Sha256.All(c => c is (>= '0' and <= '9') or (>= 'a' and <= 'f')))
        {
            return "sha256 must be 64 lower-case hex digits";
        }

        if (!m.AudioIncluded && (m.ByteLength != 0 || m.SpeechSegments is { Count: > 0 }))
        {
            return "a chunk without audio must have byteLength 0 and no speech segments";
        }

        if (m.TransactionId is not null && !TopicTree.IsValidId(m.TransactionId))
        {
            return "transactionId must be 1-64 of [a-z0-9_-]";
        }

        if (m.OperatorId is not null && (m.OperatorId.Length is 0 or > 128 || m.OperatorId.Any(char.IsControl)))
        {
            return "operatorId must be 1-128 characters without control characters";
        }

        if (m.StartedAtUtc.Offset != TimeSpan.Zero || m.StartedAtUtc.Year < 2020)
        {
            return "startedAtUtc must be a UTC time after 2020";
        }

        return FindSegmentProblem(m.SpeechSegments, m.DurationMs) ?? FindTranscriptProblem(m.Transcript, m.DurationMs);
    }

    private static string? FindTranscriptProblem(ChunkTranscript? transcript, int durationMs)
    {
        if (transcript is null)
        {
            return null;
        }

        if (transcript.Language is not { Length: 2 or 3 } || !transcript.Language.All(char.IsAsciiLetterLower))
        {
            return "transcript.language must be 2-3 lower-case letters";
        }

        if (transcript.Segments is null || transcript.Segments.Count > ProtocolLimits.MaxTranscriptSegments)
        {
            return $"transcript.segments must be a list of at most {ProtocolLimits.MaxTranscriptSegments}";
        }

        var previousEnd = 0;
        var chars = 0;
        foreach (var s in transcript.Segments)
        {
            if (s is null || s.StartMs < previousEnd || s.EndMs <= s.StartMs || s.EndMs > durationMs)
            {
                return "transcript segments must be ordered, non-overlapping and inside the chunk";
            }

            if (s.Text is null || s.Text.Length > ProtocolLimits.MaxTranscriptSegmentChars)
            {
                return $"transcript segment text must be at most {ProtocolLimits.MaxTranscriptSegmentChars} characters";
            }

            chars += s.Text.Length;
            previousEnd = s.EndMs;
        }

        return chars > ProtocolLimits.MaxTranscriptChars ? $"transcript text exceeds {ProtocolLimits.MaxTranscriptChars} characters" : null;
    }

    private static string? FindSegmentProblem(IReadOnlyList<SpeechSegment>? segments, int durationMs)
    {
        if (segments is null)
        {
            return "speechSegments must be a list";
        }

        if (segments.Count > ProtocolLimits.MaxSpeechSegments)
        {
            return $"more than {ProtocolLimits.MaxSpeechSegments} speech segments";
        }

        var previousEnd = 0;
        foreach (var s in segments)
        {
            if (s is null || s.StartMs < previousEnd || s.EndMs <= s.StartMs || s.EndMs > durationMs)
            {
                return "speech segments must be ordered, non-overlapping and inside the chunk";
            }

            previousEnd = s.EndMs;
        }

        return null;
    }
}
