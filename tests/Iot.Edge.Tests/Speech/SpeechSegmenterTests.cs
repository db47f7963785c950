using Iot.Edge.Agent.Speech;

namespace Iot.Edge.Tests.Speech;

/// <summary>The hysteresis rules on exact probability sequences; one frame is 512 samples = 32 ms.</summary>
public class SpeechSegmenterTests
{
    private const int Frame = ISpeechDetector.FrameSamples;

    private static readonly VadOptions NoPadding = new() { Threshold = 0.5f, MinSpeechMs = 100, MinSilenceMs = 200, PaddingMs = 0 };

    [Fact]
    public void Speech_starts_at_the_first_frame_over_the_threshold_and_ends_where_the_long_pause_began()
    {
        var closed = Run(NoPadding, Frames(0.1f, 10), Frames(0.9f, 20), Frames(0.1f, 10));

        Assert.Equal([new SampleRange(10 * Frame, 30 * Frame)], closed);
    }

    [Fact]
    public void Speech_shorter_than_MinSpeechMs_is_dropped()
    {
        // 3 frames = 96 ms < 100 ms; 4 frames = 128 ms is kept.
        var closed = Run(NoPadding, Frames(0.9f, 3), Frames(0.1f, 10), Frames(0.9f, 4), Frames(0.1f, 10));

        Assert.Equal([new SampleRange(13 * Frame, 17 * Frame)], closed);
    }

    [Fact]
    public void A_pause_shorter_than_MinSilenceMs_stays_inside_the_segment_and_a_longer_one_splits_it()
    {
        // 6 frames = 192 ms < 200 ms; 7 frames = 224 ms.
        var closed = Run(NoPadding, Frames(0.9f, 10), Frames(0.1f, 6), Frames(0.9f, 10), Frames(0.1f, 7), Frames(0.9f, 10), Frames(0.1f, 10));

        Assert.Equal([new SampleRange(0, 26 * Frame), new SampleRange(33 * Frame, 43 * Frame)], closed);
    }

    [Fact]
    public void Probabilities_between_the_exit_threshold_and_the_threshold_neither_start_nor_end_speech()
    {
        var options = new VadOptions { Threshold = 0.5f, ExitThreshold = 0.3f, MinSpeechMs = 0, MinSilenceMs = 0, PaddingMs = 0 };

        var closed = Run(options, Frames(0.4f, 5), Frames(0.6f, 5), Frames(0.4f, 5), Frames(0.2f, 1), Frames(0.4f, 5));

        Assert.Equal([new SampleRange(5 * Frame, 15 * Frame)], closed);
    }

    [Fact]
    public void Padding_widens_each_segment_but_not_before_the_stream_and_merges_segments_it_makes_overlap()
    {
        // 150 ms = 2400 samples each side: a closing pause of 8 frames (4096 samples) is bridged, one of 10 (5120) is not.
        var options = new VadOptions { Threshold = 0.5f, MinSpeechMs = 100, MinSilenceMs = 200, PaddingMs = 150 };

        var closed = Run(options, Frames(0.9f, 10), Frames(0.1f, 8), Frames(0.9f, 10), Frames(0.1f, 10), Frames(0.9f, 10), Frames(0.1f, 10));

        Assert.Equal([new SampleRange(0, (28 * Frame) + 2400), new SampleRange((38 * Frame) - 2400, (48 * Frame) + 2400)], closed);
    }

    private static List<SampleRange> Run(VadOptions options, params float[][] runs)
    {
        var segmenter = new SpeechSegmenter(options);
        foreach (var p in runs.SelectMany(r => r))
        {
            segmenter.Push(p);
        }

        return [.. segmenter.Closed];
    }

    private static float[] Frames(float probability, int count) => Enumerable.Repeat(probability, count).ToArray();
}
