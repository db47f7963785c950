using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;

namespace Iot.TestSupport;

/// <summary>
/// Speech at known places for detector tests and benchmarks: espeak-ng utterances, trimmed to where the voice is,
/// laid at chosen offsets over digital silence or sox-made noise at a chosen signal-to-noise ratio. 16 kHz mono.
/// </summary>
public static class LabelledSpeech
{
    public const int SampleRate = 16000;

    /// <summary>One utterance, cut to its first and last voiced 10 ms (within 40 dB of its loudest).</summary>
    public static async Task<short[]> UtteranceAsync(string text, string voice = "en-us", int wordsPerMinute = 160)
    {
        var raw = await CachedAsync($"utt|{text}|{voice}|{wordsPerMinute}", async (target, ct) =>
        {
            var wav = target + ".espeak.wav";
            await ExternalTool.RunCheckedAsync("espeak-ng", ["-v", voice, "-s", wordsPerMinute.ToString(CultureInfo.InvariantCulture), "-w", wav, text], cancellationToken: ct);
            await ExternalTool.RunCheckedAsync("sox", ["-D", wav, "-r", "16000", "-c", "1", "-b", "16", "-e", "signed-integer", "-t", "raw", target], cancellationToken: ct);
            File.Delete(wav);
        });
        var (first, last) = VoicedExtent(raw);
        return raw[first..last];
    }

    /// <summary>Background from <c>sox synth</c>, repeatable: pink or brown noise, or mains hum (50 Hz with harmonics).</summary>
    public static Task<short[]> NoiseAsync(NoiseKind kind, double seconds)
    {
        var length = seconds.ToString("0.###", CultureInfo.InvariantCulture);
        string[] synth = kind switch
        {
            NoiseKind.Pink => ["synth", length, "pinknoise"],
            NoiseKind.Brown => ["synth", length, "brownnoise"],
            // A square wave carries the odd harmonics a transformer buzz has; the low-pass leaves the audible hum.
            NoiseKind.Hum => ["synth", length, "square", "50", "lowpass", "400"],
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };
        return CachedAsync($"noise|{kind}|{length}", (target, ct) =>
            ExternalTool.RunCheckedAsync("sox", ["-R", "-n", "-r", "16000", "-c", "1", "-b", "16", "-e", "signed-integer", "-t", "raw", target, .. synth], cancellationToken: ct));
    }

    /// <summary>
    /// Places each utterance at its offset; with <paramref name="noise"/>, adds it scaled so that the speech's RMS is
    /// <paramref name="snrDb"/> above the noise's. Labels are the utterances' sample ranges.
    /// </summary>
    public static LabelledClip Compose(double seconds, IEnumerable<(double AtSeconds, short[] Utterance)> speech, short[]? noise = null, double snrDb = 20)
    {
        ArgumentNullException.ThrowIfNull(speech);
        var length = (int)Math.Round(seconds * SampleRate);
        var mix = new double[length];
        var labels = new List<LabelledRange>();
        double speechEnergy = 0;
        long speechSamples = 0;
        foreach (var (at, utterance) in speech.OrderBy(s => s.AtSeconds))
        {
            var start = (int)Math.Round(at * SampleRate);
            if (start < 0 || start + utterance.Length > length || labels.Count > 0 && start < labels[^1].End)
            {
                throw new ArgumentException($"utterance at {at} s overlaps another or leaves the {seconds} s clip", nameof(speech));
            }

            for (var i = 0; i < utterance.Length; i++)
            {
                mix[start + i] = utterance[i];
                speechEnergy += (double)utterance[i] * utterance[i];
            }

            speechSamples += utterance.Length;
            labels.Add(new LabelledRange(start, start + utterance.Length));
        }

        if (noise is not null)
        {
            if (noise.Length < length)
            {
                throw new ArgumentException($"noise is {noise.Length} samples, the clip needs {length}", nameof(noise));
            }

            var noiseRms = Math.Sqrt(noise.Take(length).Sum(x => (double)x * x) / length);
            var speechRms = speechSamples > 0 ? Math.Sqrt(speechEnergy / speechSamples) : 3000;
            var gain = speechRms / Math.Pow(10, snrDb / 20) / noiseRms;
            for (var i = 0; i < length; i++)
            {
                mix[i] += noise[i] * gain;
            }
        }

        var samples = mix.Select(x => (short)Math.Clamp(Math.Round(x), short.MinValue, short.MaxValue)).ToArray();
        return new LabelledClip(samples, labels);
    }

    private static (int First, int Last) VoicedExtent(short[] samples)
    {
        const int frame = SampleRate / 100;
        var levels = Enumerable.Range(0, samples.Length / frame)
            .Select(f => samples.AsSpan(f * frame, frame).ToArray().Average(x => (double)x * x))
            .ToArray();
        var floor = levels.Max() / 10_000; // -40 dB
        var first = Array.FindIndex(levels, l => l > floor);
        var last = Array.FindLastIndex(levels, l => l > floor);
        return (first * frame, (last + 1) * frame);
    }

    private static async Task<short[]> CachedAsync(string key, Func<string, CancellationToken, Task> make)
    {
        var name = Path.Combine("audio", "labelled", Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..16] + ".raw");
        // Raw 16-bit PCM has no header to check, so the test is "some whole samples"; the cache's hash stamp does the rest.
        var path = await TestCache.FileAsync(name, make, (file, _) => Task.FromResult(new FileInfo(file) is { Length: > 0 } info && info.Length % 2 == 0));
        return MemoryMarshal.Cast<byte, short>(await File.ReadAllBytesAsync(path)).ToArray();
    }
}

public enum NoiseKind
{
    Pink,
    Brown,
    Hum,
}

/// <summary>Half-open [Start, End) in samples.</summary>
public readonly record struct LabelledRange(long Start, long End);

public sealed record LabelledClip(short[] Samples, IReadOnlyList<LabelledRange> Speech)
{
    public double Seconds => (double)Samples.Length / LabelledSpeech.SampleRate;
}
