namespace Iot.Cloud.Pipeline.Audio;

/// <summary>A speech segment of one chunk as the timeline needs it (chunk-relative milliseconds).</summary>
public sealed record TimelineSegment(Guid ChunkId, int StartMs, int EndMs, int ChunkDurationMs);

/// <summary>
/// Where a segment's audio lands in the dialogue's audio: <see cref="SourceStartMs"/>..<see cref="SourceEndMs"/> of
/// the chunk (the segment plus padding) is copied to <see cref="RegionOffsetMs"/>; the speech itself starts at
/// <see cref="OffsetMs"/> (what dialogue_segments.offset_ms stores).
/// </summary>
public sealed record TimelinePlacement(TimelineSegment Segment, int SourceStartMs, int SourceEndMs, int RegionOffsetMs, int OffsetMs)
{
    public int LengthMs => SourceEndMs - SourceStartMs;
}

/// <summary>
/// The dialogue's audio is its speech segments back to back, each widened by a little padding so word edges the VAD
/// clipped survive; silences between segments are left out so engines spend no time on them. The dialogue builder
/// (offsets it stores) and the audio assembler (samples it copies) both use this one layout so they cannot drift.
/// </summary>
public static class DialogueTimeline
{
    /// <param name="segments">In dialogue order (absolute start time, then chunk, then start).</param>
    public static IReadOnlyList<TimelinePlacement> Layout(IReadOnlyList<TimelineSegment> segments, int paddingMs)
    {
        var placements = new List<TimelinePlacement>(segments.Count);
        var cursor = 0;
        Guid? previousChunk = null;
        var previousSourceEnd = 0;
        foreach (var s in segments)
        {
            var sourceStart = Math.Max(0, s.StartMs - paddingMs);
            if (previousChunk == s.ChunkId)
            {
                // Padding must not copy the same chunk audio twice when two segments of one chunk are close.
                sourceStart = Math.Max(sourceStart, Math.Min(previousSourceEnd, s.StartMs));
            }

            var sourceEnd = Math.Max(s.EndMs, Math.Min(s.ChunkDurationMs, s.EndMs + paddingMs));
            placements.Add(new TimelinePlacement(s, sourceStart, sourceEnd, cursor, cursor + (s.StartMs - sourceStart)));
            cursor += sourceEnd - sourceStart;
            previousChunk = s.ChunkId;
            previousSourceEnd = sourceEnd;
        }

        return placements;
    }

    /// <summary>Maps a chunk-relative time to the dialogue timeline, or null when no placement of that chunk covers it.</summary>
    public static int? ToDialogueMs(IReadOnlyList<TimelinePlacement> placements, Guid chunkId, int chunkMs)
    {
        foreach (var p in placements)
        {
            if (p.Segment.ChunkId == chunkId && chunkMs >= p.SourceStartMs && chunkMs <= p.SourceEndMs)
            {
                return p.RegionOffsetMs + (chunkMs - p.SourceStartMs);
            }
        }

        return null;
    }
}
