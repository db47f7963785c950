using System.Diagnostics;
using Iot.Edge.Agent.Speech;
using Iot.TestSupport;

namespace Iot.Bench.Edge;

/// <summary>
/// Accuracy of the speech detectors (Silero on ONNX Runtime, Silero in managed code, energy) on labelled speech in silence
/// and noise, and each Silero's cost per window.
/// </summary>
internal static class VadBench
{
    private const double TargetF1 = 0.9;

    public static async Task<int> RunAsync(string[] args)
    {
        var modelPath = VadModelFile.Locate();
        var options = new VadOptions();
        Console.WriteLine($"vad bench: {Environment.ProcessorCount} cores, ONNX Runtime on 1 thread, managed Silero on 1 thread, model {modelPath}");
        Console.WriteLine($"segmenter: threshold {options.Threshold}/{options.EffectiveExitThreshold}, min speech {options.MinSpeechMs} ms, min silence {options.MinSilenceMs} ms, padding {options.PaddingMs} ms");
        Console.WriteLine($"matching: segment = IoU >= {SegmentScore.MinIou} one-to-one; time = overlap of detected and labelled speech (padding counts against precision)");
        Console.WriteLine();
        Console.WriteLine($"{"condition",-26} {"engine",-7} {"label",5} {"found",5} {"match",5} {"P",6} {"R",6} {"F1",6} | {"time P",6} {"R",6} {"F1",6}");

        // Silero twice: on ONNX Runtime and in managed code from the same file; both are scored and timed.
        using var onnx = SileroSpeechDetector.Open(modelPath);
        using var managed = ManagedSileroSpeechDetector.Open(modelPath);
        using var energy = new EnergySpeechDetector();
        (string Name, ISpeechDetector Detector, Timing? Timing)[] engines =
        [
            ("ort", onnx, new Timing()),
            ("managed", managed, new Timing()),
            ("energy", energy, null),
        ];
        var totals = engines.ToDictionary(e => e.Name, _ => default(SegmentScore));
        foreach (var condition in VadTestSet.Conditions)
        {
            var clips = await VadTestSet.ClipsAsync(condition);
            foreach (var (name, detector, timing) in engines)
            {
                var score = default(SegmentScore);
                foreach (var clip in clips)
                {
                    score += SegmentScore.Of(clip.Speech, Detect(detector, options, clip, timing));
                }

                totals[name] += score;
                Print(condition.Name, name, score);
            }
        }

        Console.WriteLine();
        foreach (var (engine, score) in totals)
        {
            Print("overall", engine, score);
        }

        Console.WriteLine();
        var met = true;
        foreach (var (name, detector, timing) in engines.Where(e => e.Timing is not null))
        {
            var f1 = totals[name].F1;
            met &= f1 >= TargetF1;
            Console.WriteLine($"silero ({name}) overall segment F1 {f1:0.000} (target >= {TargetF1}): {(f1 >= TargetF1 ? "met" : "MISSED")}");
            Console.WriteLine(timing!.Report(name, detector));
        }

        return met ? 0 : 1;
    }

    private static List<Iot.Protocol.Messages.SpeechSegment> Detect(ISpeechDetector detector, VadOptions options, LabelledClip clip, Timing? timing)
    {
        detector.Reset();
        var tracker = new SpeechTracker(detector, options);
        var started = Stopwatch.GetTimestamp();
        // Blocks of 100 ms, as the recorder reads them.
        for (var at = 0; at < clip.Samples.Length; at += 1600)
        {
            tracker.Feed(clip.Samples.AsSpan(at, Math.Min(1600, clip.Samples.Length - at)));
        }

        timing?.Add(Stopwatch.GetElapsedTime(started), clip.Samples.Length);
        return [.. tracker.TakeSegments(0, clip.Samples.Length)];
    }

    private static void Print(string condition, string engine, SegmentScore s) =>
        Console.WriteLine($"{condition,-26} {engine,-7} {s.Labelled,5} {s.Detected,5} {s.Matched,5} {s.Precision,6:0.000} {s.Recall,6:0.000} {s.F1,6:0.000} | {s.TimePrecision,6:0.000} {s.TimeRecall,6:0.000} {s.TimeF1,6:0.000}");

    private sealed class Timing
    {
        private TimeSpan _elapsed;
        private long _samples;

        public void Add(TimeSpan elapsed, long samples)
        {
            _elapsed += elapsed;
            _samples += samples;
        }

        /// <summary>Also a steady-state run over one clip's worth of windows, to show the per-window allocation.</summary>
        public string Report(string name, ISpeechDetector detector)
        {
            var frame = new float[ISpeechDetector.FrameSamples];
            var random = new Random(1);
            for (var i = 0; i < frame.Length; i++)
            {
                frame[i] = (float)(random.NextDouble() - 0.5) * 0.2f;
            }

            const int windows = 5000;
            detector.Reset();
            var allocated = GC.GetAllocatedBytesForCurrentThread();
            var started = Stopwatch.GetTimestamp();
            for (var i = 0; i < windows; i++)
            {
                detector.Process(frame);
            }

            var loop = Stopwatch.GetElapsedTime(started);
            var perWindowBytes = (GC.GetAllocatedBytesForCurrentThread() - allocated) / (double)windows;
            var audioSeconds = (double)_samples / ISpeechDetector.SampleRate;
            var msPerWindow = _elapsed.TotalMilliseconds / (_samples / (double)ISpeechDetector.FrameSamples);
            return $"silero ({name}) speed: {msPerWindow:0.000} ms per 32 ms window over {audioSeconds:0} s of test audio = {audioSeconds / _elapsed.TotalSeconds:0}x real time on one core"
                + $"\nsilero ({name}) steady loop: {loop.TotalMilliseconds / windows:0.000} ms/window, {perWindowBytes:0} managed bytes allocated per window";
        }
    }
}
