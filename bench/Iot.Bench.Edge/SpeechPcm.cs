using Iot.Edge.Audio;
using Iot.TestSupport;

namespace Iot.Bench.Edge;

/// <summary>The tests' espeak-ng speech (utterances with pauses, cached), as a WAV path and as samples in memory.</summary>
internal sealed record SpeechPcm(string WavPath, short[] Samples)
{
    public const int SampleRate = 16000;

    /// <summary>The block the recorder reads: 100 ms.</summary>
    public const int BlockSamples = SampleRate / 10;

    public double Seconds => (double)Samples.Length / SampleRate;

    public static async Task<SpeechPcm> LoadAsync(double seconds)
    {
        var path = await SpeechAudio.WavAsync(seconds);
        await using var source = new WavFileSource(path, loop: false, realTime: false, TimeProvider.System);
        var samples = new short[source.TotalSamples];
        var filled = 0;
        int read;
        while ((read = await source.ReadAsync(samples.AsMemory(filled), CancellationToken.None)) > 0)
        {
            filled += read;
        }

        return new SpeechPcm(path, samples);
    }

    /// <summary>Share of the audio above -40 dBFS in 32 ms windows: how much of it is speech rather than pause.</summary>
    public double VoicedShare()
    {
        const int window = 512;
        var voiced = 0;
        var windows = Samples.Length / window;
        for (var w = 0; w < windows; w++)
        {
            double energy = 0;
            foreach (var s in Samples.AsSpan(w * window, window))
            {
                energy += (double)s * s;
            }

            if (Math.Sqrt(energy / window) > 32768 * 0.01)
            {
                voiced++;
            }
        }

        return windows == 0 ? 0 : (double)voiced / windows;
    }
}
