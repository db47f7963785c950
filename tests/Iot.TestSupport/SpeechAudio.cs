using System.Globalization;

namespace Iot.TestSupport;

/// <summary>Real speech for tests: espeak-ng utterances with silences, 16 kHz mono 16-bit, cut to an exact length.</summary>
public static class SpeechAudio
{
    public static Task<string> WavAsync(double seconds, int variant = 1)
    {
        var length = seconds.ToString("0.###", CultureInfo.InvariantCulture);
        return TestCache.FileAsync(
            Path.Combine("audio", $"speech-{variant}-{length}s.wav"),
            (temp, ct) => MakeAsync(temp, seconds, variant, ct),
            async (path, ct) => Math.Abs(await DurationAsync(path, ct) - seconds) <= 0.001);
    }

    /// <summary>The same speech encoded by opusenc (24 kbit/s) into Ogg Opus, as a recording the bridge would store.</summary>
    public static async Task<string> OpusAsync(double seconds, int variant = 1)
    {
        var wav = await WavAsync(seconds, variant);
        return await TestCache.FileAsync(
            Path.ChangeExtension(Path.Combine("audio", Path.GetFileName(wav)), ".opus"),
            (temp, ct) => ExternalTool.RunCheckedAsync("opusenc", ["--quiet", "--bitrate", "24", wav, temp], cancellationToken: ct),
            // A cut-off Ogg stream still parses; its last granule position gives it away as short.
            async (path, ct) => Math.Abs(await OggDurationAsync(path, ct) - seconds) <= 0.05);
    }

    /// <summary>An Ogg file's playing time from ffprobe (its last granule position), or -1 when it cannot be read.</summary>
    public static async Task<double> OggDurationAsync(string path, CancellationToken cancellationToken = default)
    {
        var result = await ExternalTool.RunAsync("ffprobe", ["-v", "error", "-show_entries", "format=duration", "-of", "default=noprint_wrappers=1:nokey=1", path], cancellationToken: cancellationToken);
        return result.ExitCode == 0 && double.TryParse(result.StdOut.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : -1;
    }

    /// <summary>The length sox reads from the file's header and data; a truncated file reads short.</summary>
    public static async Task<double> DurationAsync(string path, CancellationToken cancellationToken = default)
    {
        var result = await ExternalTool.RunAsync("soxi", ["-D", path], cancellationToken: cancellationToken);
        return result.ExitCode == 0 && double.TryParse(result.StdOut.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : -1;
    }

    private static async Task MakeAsync(string temp, double seconds, int variant, CancellationToken cancellationToken)
    {
        // The generator's own folder is private to this writer: two processes never write into one.
        using var work = new TempDirectory("iot-speech");
        var wholeSeconds = ((int)Math.Ceiling(seconds) + 1).ToString(CultureInfo.InvariantCulture);
        await ExternalTool.RunCheckedAsync("bash", [Path.Combine(RepoPaths.Root, "cloud", "scripts", "speech.sh"), work.Path, variant.ToString(CultureInfo.InvariantCulture), wholeSeconds], TimeSpan.FromMinutes(5), cancellationToken);
        // sox picks the format from the extension, so the private name still ends in .wav.
        var wav = Path.Combine(work.Path, "trimmed.wav");
        await ExternalTool.RunCheckedAsync("sox", [Path.Combine(work.Path, $"device-{variant}.wav"), wav, "trim", "0", seconds.ToString(CultureInfo.InvariantCulture)], cancellationToken: cancellationToken);
        File.Move(wav, temp);
    }
}
