using Iot.Edge.Agent.Speech;
using Iot.Protocol.Messages;
using Iot.TestSupport;

namespace Iot.Edge.Tests.Speech;

/// <summary>Real espeak-ng speech at known places, and the detectors run over it the way the recorder feeds PCM.</summary>
internal static class SpeechClips
{
    public const double Seconds = 24;

    /// <summary>Three customers' sentences in three voices, with seconds of background before, between and after.</summary>
    public static async Task<LabelledClip> CounterAsync(NoiseKind? noise = null, double snrDb = 10) =>
        LabelledSpeech.Compose(
            Seconds,
            [
                (2.0, await LabelledSpeech.UtteranceAsync("Good morning, how can I help you today?", "en-us")),
                (8.5, await LabelledSpeech.UtteranceAsync("I am looking for a charger for my phone.", "en-gb+m3", 140)),
                (15.0, await LabelledSpeech.UtteranceAsync("Thank you for your purchase, have a nice day.", "en-us+f3", 180)),
            ],
            noise is { } kind ? await LabelledSpeech.NoiseAsync(kind, Seconds) : null,
            snrDb);

    public static SileroSpeechDetector Silero() => SileroSpeechDetector.Open(VadModelFile.Locate());

    /// <summary>All of <paramref name="samples"/> as one chunk, fed in recorder-sized blocks.</summary>
    public static IReadOnlyList<SpeechSegment> OnePass(ISpeechDetector detector, VadOptions options, short[] samples, int block = 1600)
    {
        // The tracker would dispose the detector; callers reuse it, so it is only reset.
        detector.Reset();
        var tracker = new SpeechTracker(detector, options);
        for (var at = 0; at < samples.Length; at += block)
        {
            tracker.Feed(samples.AsSpan(at, Math.Min(block, samples.Length - at)));
        }

        return tracker.TakeSegments(0, samples.Length);
    }

    public static string Describe(IEnumerable<SpeechSegment> segments) => string.Join(", ", segments.Select(s => $"{s.StartMs}-{s.EndMs}"));

    public static string Describe(IEnumerable<LabelledRange> labels) => string.Join(", ", labels.Select(l => $"{l.Start / 16}-{l.End / 16}"));

    /// <summary>
    /// One segment per label, each covering its label: starting no later than 100 ms into it and at most padding +
    /// 200 ms before it, ending no earlier than 100 ms before its end and at most padding + 500 ms after it.
    /// </summary>
    public static void AssertFindsEachLabel(LabelledClip clip, IReadOnlyList<SpeechSegment> found, VadOptions options)
    {
        var message = $"labels {Describe(clip.Speech)}; found {Describe(found)}";
        Assert.True(found.Count == clip.Speech.Count, message);
        foreach (var (label, segment) in clip.Speech.Zip(found))
        {
            var startMs = label.Start / 16;
            var endMs = label.End / 16;
            Assert.True(segment.StartMs <= startMs + 100 && segment.StartMs >= startMs - options.PaddingMs - 200, message);
            Assert.True(segment.EndMs >= endMs - 100 && segment.EndMs <= endMs + options.PaddingMs + 500, message);
        }
    }
}
