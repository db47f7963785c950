using Iot.Edge.Agent.Encoding;
using Iot.Edge.Agent.Speech;
using Iot.Protocol.Audio;

namespace Iot.Bench.Edge;

/// <summary>Each stage of the pipeline alone, over the same PCM, in the recorder's 100 ms blocks and 60 s chunks.</summary>
internal static class ComponentRuns
{
    private const int ChunkSamples = 60 * SpeechPcm.SampleRate;

    /// <summary>Silero through the recorder's tracker, segments taken at every chunk boundary as the recorder does.</summary>
    public static Measurement Vad(SpeechPcm pcm, string modelPath)
    {
        // Model load is start-up, not per-audio cost: outside the timing, as in the recorder.
        // The same runtime the agent runs by default (VadOptions.Runtime), so the bound matches the pipeline.
        using var tracker = new SpeechTracker(SpeechDetectorFactory.OpenSilero(modelPath, new VadOptions().Runtime), new VadOptions());
        return Measurement.Of(pcm.Seconds, () =>
        {
            long chunkStart = 0;
            foreach (var block in Blocks(pcm))
            {
                tracker.Feed(block.Span);
                if (tracker.SamplesFed - chunkStart >= ChunkSamples || tracker.SamplesFed == pcm.Samples.Length)
                {
                    tracker.TakeSegments(chunkStart, tracker.SamplesFed);
                    chunkStart = tracker.SamplesFed;
                }
            }
        });
    }

    /// <summary>Ogg Opus into memory, one writer per 60 s chunk (headers, lookahead flush and all); also says which encoder ran.</summary>
    public static (Measurement Time, bool Native, long Bytes) Opus(SpeechPcm pcm, OpusSettings settings)
    {
        var native = true;
        long bytes = 0;
        var time = Measurement.Of(pcm.Seconds, () =>
        {
            for (var start = 0; start < pcm.Samples.Length; start += ChunkSamples)
            {
                var chunk = pcm.Samples.AsMemory(start, Math.Min(ChunkSamples, pcm.Samples.Length - start));
                using var output = new MemoryStream(256 * 1024);
                using var writer = new OggOpusWriter(output, settings, (uint)start, ["DEVICE=bench"]);
                native &= writer.IsNative;
                for (var at = 0; at < chunk.Length; at += SpeechPcm.BlockSamples)
                {
                    writer.Write(chunk.Span.Slice(at, Math.Min(SpeechPcm.BlockSamples, chunk.Length - at)));
                }

                writer.Finish();
                bytes += output.Length;
            }
        });
        return (time, native, bytes);
    }

    private static IEnumerable<ReadOnlyMemory<short>> Blocks(SpeechPcm pcm)
    {
        for (var at = 0; at < pcm.Samples.Length; at += SpeechPcm.BlockSamples)
        {
            yield return pcm.Samples.AsMemory(at, Math.Min(SpeechPcm.BlockSamples, pcm.Samples.Length - at));
        }
    }
}
