using System.Text;
using Iot.Protocol.Chunks;
using Iot.Protocol.Messages;
using Iot.Protocol.Serialization;
using Iot.Protocol.Tests.Chunks;
using Iot.Protocol.Topics;

namespace Iot.Protocol.Tests.Messages;

public class ChunkTranscriptTests
{
    private static readonly DeviceTopic OwnTopic = new("acme", "pos-1", TopicKind.Chunk);

    private static readonly ChunkTranscript Heard = new("en", [new TranscriptSegment(100, 1900, "Good morning."), new TranscriptSegment(2500, 4000, "Ticket 42, please.")]);

    [Fact]
    public void Metadata_without_a_transcript_has_no_transcript_property_on_the_wire()
    {
        var (m, _) = ChunkSamples.Valid();

        var json = Encoding.UTF8.GetString(ProtocolJson.Serialize(m));

        Assert.DoesNotContain("transcript", json, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Metadata_from_a_device_that_predates_transcripts_reads_as_no_transcript()
    {
        var (m, _) = ChunkSamples.Valid();
        var json = ProtocolJson.Serialize(m);

        var back = ProtocolJson.TryDeserialize<ChunkMetadata>(json, out var error);

        Assert.Null(error);
        Assert.Null(back!.Transcript);
    }

    [Fact]
    public void A_transcript_round_trips_in_camel_case()
    {
        var (m, _) = ChunkSamples.Valid();
        var json = ProtocolJson.Serialize(m with { Transcript = Heard });

        var back = ProtocolJson.TryDeserialize<ChunkMetadata>(json, out var error);

        Assert.Null(error);
        Assert.Contains("\"transcript\":{\"language\":\"en\",\"segments\":[{\"startMs\":100,\"endMs\":1900,\"text\":\"Good morning.\"}", Encoding.UTF8.GetString(json), StringComparison.Ordinal);
        Assert.Equal(Heard.Language, back!.Transcript!.Language);
        Assert.Equal(Heard.Segments, back.Transcript.Segments);
    }

    [Fact]
    public void A_segment_without_text_is_a_parse_error()
    {
        const string json = "{\"language\":\"en\",\"segments\":[{\"startMs\":0,\"endMs\":10}]}";

        var back = ProtocolJson.TryDeserialize<ChunkTranscript>(Encoding.UTF8.GetBytes(json), out var error);

        Assert.Null(back);
        Assert.NotNull(error);
    }

    [Fact]
    public void A_chunk_with_a_consistent_transcript_is_valid()
    {
        var (m, audio) = ChunkSamples.Valid();

        Assert.True(ChunkValidator.Validate(m with { Transcript = Heard }, audio, OwnTopic).IsValid);
    }

    public static TheoryData<string, ChunkTranscript> BadTranscripts => new()
    {
        { "segment past the chunk's end", new ChunkTranscript("en", [new TranscriptSegment(59_000, 60_001, "late")]) },
        { "negative start", new ChunkTranscript("en", [new TranscriptSegment(-5, 100, "early")]) },
        { "empty segment", new ChunkTranscript("en", [new TranscriptSegment(100, 100, "none")]) },
        { "overlap", new ChunkTranscript("en", [new TranscriptSegment(0, 500, "a"), new TranscriptSegment(400, 900, "b")]) },
        { "out of order", new ChunkTranscript("en", [new TranscriptSegment(1000, 1500, "a"), new TranscriptSegment(0, 500, "b")]) },
        { "segment text too long", new ChunkTranscript("en", [new TranscriptSegment(0, 500, new string('a', ProtocolLimits.MaxTranscriptSegmentChars + 1))]) },
        { "total text too long", new ChunkTranscript("en", [.. Enumerable.Range(0, 40).Select(i => new TranscriptSegment(i * 1000, (i * 1000) + 900, new string('a', 1000)))]) },
        { "too many segments", new ChunkTranscript("en", [.. Enumerable.Range(0, ProtocolLimits.MaxTranscriptSegments + 1).Select(i => new TranscriptSegment(i * 10, (i * 10) + 5, "a"))]) },
        { "language with region", new ChunkTranscript("en-US", []) },
        { "upper-case language", new ChunkTranscript("EN", []) },
    };

    [Theory]
    [MemberData(nameof(BadTranscripts))]
    public void An_inconsistent_transcript_makes_the_metadata_invalid(string label, ChunkTranscript transcript)
    {
        var (m, audio) = ChunkSamples.Valid();

        var result = ChunkValidator.Validate(m with { Transcript = transcript }, audio, OwnTopic);

        Assert.False(result.IsValid, label);
        Assert.Equal(RejectReason.InvalidMetadata, result.Reason);
        Assert.Contains("transcript", result.Error, StringComparison.Ordinal);
    }
}
