using Iot.Cloud.Pipeline.Audio;

namespace Iot.Cloud.Pipeline.Tests.Audio;

public sealed class DialogueTimelineTests
{
    private static readonly Guid ChunkA = Guid.Parse("00000000-0000-7000-8000-00000000000a");
    private static readonly Guid ChunkB = Guid.Parse("00000000-0000-7000-8000-00000000000b");

    [Fact]
    public void Padding_stops_at_the_chunk_edges()
    {
        var layout = DialogueTimeline.Layout([new TimelineSegment(ChunkA, 100, 4_900, 5_000)], paddingMs: 250);

        var p = Assert.Single(layout);
        Assert.Equal((0, 5_000, 0, 100), (p.SourceStartMs, p.SourceEndMs, p.RegionOffsetMs, p.OffsetMs));
    }

    [Fact]
    public void Close_segments_of_one_chunk_never_copy_the_same_audio_twice()
    {
        var layout = DialogueTimeline.Layout(
            [new TimelineSegment(ChunkA, 1_000, 2_000, 5_000), new TimelineSegment(ChunkA, 2_300, 3_000, 5_000), new TimelineSegment(ChunkB, 0, 500, 5_000)],
            paddingMs: 250);

        Assert.Equal([(750, 2_250), (2_250, 3_250), (0, 750)], layout.Select(p => (p.SourceStartMs, p.SourceEndMs)));
        Assert.Equal([0, 1_500, 2_500], layout.Select(p => p.RegionOffsetMs));
        Assert.Equal([250, 1_550, 2_500], layout.Select(p => p.OffsetMs));
    }

    [Fact]
    public void A_chunk_time_maps_onto_the_dialogue_only_where_its_audio_was_copied()
    {
        var layout = DialogueTimeline.Layout([new TimelineSegment(ChunkA, 1_000, 2_000, 5_000), new TimelineSegment(ChunkB, 1_000, 2_000, 5_000)], paddingMs: 0);

        Assert.Equal(500, DialogueTimeline.ToDialogueMs(layout, ChunkA, 1_500));
        Assert.Equal(1_500, DialogueTimeline.ToDialogueMs(layout, ChunkB, 1_500));
        Assert.Null(DialogueTimeline.ToDialogueMs(layout, ChunkA, 3_000));
    }
}
