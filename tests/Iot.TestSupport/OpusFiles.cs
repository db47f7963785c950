using System.Globalization;

namespace Iot.TestSupport;

/// <summary>Real Ogg Opus files made by ffmpeg (signal) and opusenc (encoder), as a device would upload them.</summary>
public static class OpusFiles
{
    /// <summary>A 16 kHz mono rising tone of <paramref name="seconds"/> encoded by opusenc into <paramref name="opusPath"/>.</summary>
    public static async Task WriteToneAsync(string opusPath, double seconds, int baseHz = 300, int sampleRate = 16000, int channels = 1, params string[] opusencOptions)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(opusPath)!);
        var wav = opusPath + ".wav";
        var expression = string.Create(CultureInfo.InvariantCulture, $"aevalsrc=0.4*sin(2*PI*({baseHz}+150*t)*t):s={sampleRate}:d={seconds}");
        await ExternalTool.RunCheckedAsync("ffmpeg", ["-nostdin", "-loglevel", "error", "-y", "-f", "lavfi", "-i", expression, "-ac", channels.ToString(CultureInfo.InvariantCulture), "-ar", sampleRate.ToString(CultureInfo.InvariantCulture), "-c:a", "pcm_s16le", wav]);
        await ExternalTool.RunCheckedAsync("opusenc", ["--quiet", .. (opusencOptions.Length > 0 ? opusencOptions : ["--bitrate", "24"]), wav, opusPath]);
        File.Delete(wav);
    }

    /// <summary>What ffmpeg makes of the file: mono 16-bit PCM at 16 kHz.</summary>
    public static async Task<short[]> DecodeWithFfmpegAsync(string opusPath)
    {
        var raw = opusPath + ".ffmpeg.raw";
        await ExternalTool.RunCheckedAsync("ffmpeg", ["-nostdin", "-loglevel", "error", "-y", "-i", opusPath, "-ac", "1", "-ar", "16000", "-f", "s16le", raw]);
        var bytes = await File.ReadAllBytesAsync(raw);
        File.Delete(raw);
        var samples = new short[bytes.Length / 2];
        Buffer.BlockCopy(bytes, 0, samples, 0, samples.Length * 2);
        return samples;
    }

    public static double SignalToNoiseDb(short[] reference, short[] test)
    {
        var n = Math.Min(reference.Length, test.Length);
        double signal = 0, noise = 0;
        for (var i = 0; i < n; i++)
        {
            signal += (double)reference[i] * reference[i];
            var d = (double)reference[i] - test[i];
            noise += d * d;
        }

        return 10 * Math.Log10(signal / Math.Max(noise, 1));
    }
}
