using Iot.Protocol.Chunks;
using Iot.Protocol.Messages;
using Iot.Protocol.Topics;

namespace Iot.Protocol.Tests.Chunks;

public class ChunkValidatorTests
{
    private static readonly DeviceTopic OwnTopic = new("acme", "pos-1", TopicKind.Chunk);

    [Fact]
    public void A_consistent_chunk_on_its_own_topic_is_valid()
    {
        var (m, audio) = ChunkSamples.Valid();

        Assert.True(ChunkValidator.Validate(m, audio, OwnTopic).IsValid);
    }

    [Fact]
    public void Flipped_audio_bits_are_a_hash_mismatch()
    {
        var (m, audio) = ChunkSamples.Valid();
        audio[500] ^= 0x01;

        var result = ChunkValidator.Validate(m, audio, OwnTopic);

        Assert.Equal(RejectReason.HashMismatch, result.Reason);
    }

    [Fact]
    public void A_chunk_published_on_another_devices_topic_is_a_topic_mismatch()
    {
        var (m, audio) = ChunkSamples.Valid();

        var result = ChunkValidator.Validate(m, audio, new DeviceTopic("acme", "pos-2", TopicKind.Chunk));

        Assert.Equal(RejectReason.TopicMismatch, result.Reason);
    }

    [Fact]
    public void A_metadata_only_chunk_has_no_bytes_no_segments_and_the_empty_hash()
    {
        var (m, _) = ChunkSamples.Valid();
        var silent = m with { AudioIncluded = false, ByteLength = 0, Sha256 = ChunkValidator.Sha256Hex([]), SpeechSegments = [] };

        Assert.True(ChunkValidator.Validate(silent, [], OwnTopic).IsValid);
        Assert.Equal(RejectReason.InvalidMetadata, ChunkValidator.Validate(silent with { SpeechSegments = [new SpeechSegment(0, 10)] }, [], OwnTopic).Reason);
    }

    public static TheoryData<string, Func<ChunkMetadata, ChunkMetadata>> BadMetadata => new()
    {
        { "uuid v4 id", m => m with { ChunkId = Guid.NewGuid() } },
        { "negative sequence", m => m with { Sequence = -1 } },
        { "zero duration", m => m with { DurationMs = 0 } },
        { "11025 Hz", m => m with { SampleRate = 11025 } },
        { "mp3", m => m with { Codec = "mp3" } },
        { "upper-case hash", m => m with { Sha256 = m.Sha256.ToUpperInvariant() } },
        { "bad transaction id", m => m with { TransactionId = "../../etc" } },
        { "operator with a newline", m => m with { OperatorId = "anna\nDROP" } },
        { "operator of 129 characters", m => m with { OperatorId = new string('a', 129) } },
        { "empty operator", m => m with { OperatorId = "" } },
        { "local time", m => m with { StartedAtUtc = new DateTimeOffset(2026, 1, 1, 10, 0, 0, TimeSpan.FromHours(3)) } },
        { "segment past the end", m => m with { SpeechSegments = [new SpeechSegment(0, 60_001)] } },
        { "overlapping segments", m => m with { SpeechSegments = [new SpeechSegment(0, 500), new SpeechSegment(400, 900)] } },
        { "empty segment", m => m with { SpeechSegments = [new SpeechSegment(10, 10)] } },
        { "length lie", m => m with { ByteLength = m.ByteLength + 1 } },
        { "no audio but a length", m => m with { AudioIncluded = false } },
    };

    [Theory]
    [MemberData(nameof(BadMetadata))]
    public void Inconsistent_metadata_is_invalid_with_a_reason(string label, Func<ChunkMetadata, ChunkMetadata> spoil)
    {
        var (m, audio) = ChunkSamples.Valid();

        var result = ChunkValidator.Validate(spoil(m), audio, OwnTopic);

        Assert.False(result.IsValid, label);
        Assert.Equal(RejectReason.InvalidMetadata, result.Reason);
    }
}
