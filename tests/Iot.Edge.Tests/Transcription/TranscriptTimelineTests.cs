using Iot.Edge.Agent.Transcription;
using Iot.Protocol;
using Iot.Protocol.Messages;

namespace Iot.Edge.Tests.Transcription;

public class TranscriptTimelineTests
{
    private static readonly SpeechSegment[] TwoSpans = [new(1_000, 3_000), new(10_000, 14_000)];

    [Fact]
    public void Times_in_the_joined_speech_land_in_the_span_they_came_from()
    {
        var heard = new ChunkTranscript("en", [new(0, 1_500, " Hello."), new(2_500, 5_000, " Next customer.")]);

        var onChunk = TranscriptTimeline.ToChunkTime(heard, TwoSpans, 20_000);

        Assert.Equal([new TranscriptSegment(1_000, 2_500, "Hello."), new TranscriptSegment(10_500, 13_000, "Next customer.")], onChunk.Segments);
    }

    [Fact]
    public void A_phrase_ending_exactly_at_a_span_boundary_is_not_stretched_over_the_silence()
    {
        var heard = new ChunkTranscript("en", [new(0, 2_000, "first"), new(2_000, 6_000, "second")]);

        var onChunk = TranscriptTimeline.ToChunkTime(heard, TwoSpans, 20_000);

        Assert.Equal([new TranscriptSegment(1_000, 3_000, "first"), new TranscriptSegment(10_000, 14_000, "second")], onChunk.Segments);
    }

    [Fact]
    public void Text_past_the_end_of_the_audio_is_cut_at_the_end_or_dropped()
    {
        var heard = new ChunkTranscript("en", [new(5_000, 7_000, "tail"), new(6_500, 9_000, "after the audio")]);

        var onChunk = TranscriptTimeline.ToChunkTime(heard, TwoSpans, 14_000);

        Assert.Equal([new TranscriptSegment(13_000, 14_000, "tail")], onChunk.Segments);
    }

    [Fact]
    public void Blank_segments_are_dropped_and_an_odd_language_becomes_undetermined()
    {
        var heard = new ChunkTranscript("en-US", [new(0, 500, "  "), new(500, 900, " ok ")]);

        var onChunk = TranscriptTimeline.ToChunkTime(heard, TwoSpans, 20_000);

        Assert.Equal("und", onChunk.Language);
        Assert.Equal([new TranscriptSegment(1_500, 1_900, "ok")], onChunk.Segments);
    }

    [Fact]
    public void Text_is_capped_to_the_protocol_limits()
    {
        var span = new SpeechSegment[] { new(0, 3_000_000) };
        var heard = new ChunkTranscript("en", [.. Enumerable.Range(0, 100).Select(i => new TranscriptSegment(i * 1_000, (i * 1_000) + 900, new string('a', 2_000)))]);

        var onChunk = TranscriptTimeline.ToChunkTime(heard, span, 3_000_000);

        Assert.All(onChunk.Segments, s => Assert.Equal(ProtocolLimits.MaxTranscriptSegmentChars, s.Text.Length));
        Assert.Equal(ProtocolLimits.MaxTranscriptChars / ProtocolLimits.MaxTranscriptSegmentChars, onChunk.Segments.Count);
    }

    [Fact]
    public void A_chunk_request_carries_only_the_speech_samples_in_order()
    {
        var chunk = Enumerable.Range(0, 16_000).Select(i => (short)i).ToArray();

        var request = TranscriptionRequest.ForChunk(Guid.CreateVersion7(), chunk, 16_000, [new(100, 200), new(500, 510)])!;

        Assert.Equal(1_000, request.ChunkDurationMs);
        Assert.Equal(1_600 + 160, request.Pcm.Length);
        Assert.Equal(1_600, request.Pcm.Span[0]);
        Assert.Equal(3_199, request.Pcm.Span[1_599]);
        Assert.Equal(8_000, request.Pcm.Span[1_600]);
    }

    [Fact]
    public void A_chunk_without_speech_makes_no_request()
    {
        Assert.Null(TranscriptionRequest.ForChunk(Guid.CreateVersion7(), new short[16_000], 16_000, []));
    }
}
