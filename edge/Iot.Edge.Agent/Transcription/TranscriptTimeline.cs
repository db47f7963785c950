using Iot.Protocol;
using Iot.Protocol.Messages;

namespace Iot.Edge.Agent.Transcription;

/// <summary>
/// Maps a transcript of the speech laid end to end back onto the chunk's own timeline, and trims it to what the
/// protocol accepts, so a transcript produced here always passes <c>ChunkValidator</c>.
/// </summary>
/// <remarks>
/// Only the speech is transcribed because whisper.cpp pays a full 30 s encoder pass per window however little audio
/// it holds: handing it the spans one by one would cost a window each.
/// </remarks>
internal static class TranscriptTimeline
{
    public static ChunkTranscript ToChunkTime(ChunkTranscript speechTime, IReadOnlyList<SpeechSegment> speech, int chunkDurationMs)
    {
        var language = speechTime.Language is { Length: 2 or 3 } l && l.All(char.IsAsciiLetterLower) ? l : "und";
        var segments = new List<TranscriptSegment>();
        var previousEnd = 0;
        var chars = 0;
        foreach (var s in speechTime.Segments)
        {
            var text = s.Text.Trim();
            if (text.Length > ProtocolLimits.MaxTranscriptSegmentChars)
            {
                text = text[..ProtocolLimits.MaxTranscriptSegmentChars];
            }

            if (text.Length == 0)
            {
                continue;
            }

            if (chars + text.Length > ProtocolLimits.MaxTranscriptChars || segments.Count == ProtocolLimits.MaxTranscriptSegments)
            {
                break;
            }

            var start = Math.Max(previousEnd, Map(s.StartMs, speech, isEnd: false));
            var end = Math.Min(chunkDurationMs, Map(s.EndMs, speech, isEnd: true));

            // Whisper can put a last segment after the end of the audio (it decodes in 30 s windows); with no
            // audio under it, it has no place in the chunk.
            if (end <= start)
            {
                continue;
            }

            segments.Add(new TranscriptSegment(start, end, text));
            previousEnd = end;
            chars += text.Length;
        }

        return new ChunkTranscript(language, segments);
    }

    /// <summary>
    /// A start falls in the span that begins at or before it, an end in the span that ends at or after it, so a
    /// phrase that ends exactly where one span stops is not stretched over the silence to the next.
    /// </summary>
    private static int Map(int speechMs, IReadOnlyList<SpeechSegment> speech, bool isEnd)
    {
        var offset = 0;
        foreach (var span in speech)
        {
            var length = span.EndMs - span.StartMs;
            var inside = isEnd ? speechMs <= offset + length : speechMs < offset + length;
            if (inside)
            {
                return span.StartMs + Math.Max(0, speechMs - offset);
            }

            offset += length;
        }

        return speech.Count == 0 ? 0 : speech[^1].EndMs;
    }
}
