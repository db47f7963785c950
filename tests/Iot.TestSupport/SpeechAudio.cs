using System.Globalization;

namespace Iot.TestSupport;

/// <summary>Real speech for tests: espeak-ng utterances with silences, 16 kHz mono 16-bit, cut to an exact length.</summary>
public static class SpeechAudio
{
    private static readonly SemaphoreSlim Gate = new(1, 1);

    public static async Task<string> WavAsync(double seconds, int variant = 1)
    {
        var cache = Path.Combine(Path.GetTempPath(), "iot-test-audio");
        Directory.CreateDirectory(cache);
        var target = Path.Combine(cache, $"speech-{variant}-{seconds.ToString("0.###", CultureInfo.InvariantCulture)}s.wav");
        await Gate.WaitAsync();
        try
        {
            if (File.Exists(target))
            {
                return target;
            }

            var wholeSeconds = ((int)Math.Ceiling(seconds) + 1).ToString(CultureInfo.InvariantCulture);
            var source = Path.Combine(cache, $"source-{variant}-{wholeSeconds}");
            await ExternalTool.RunCheckedAsync("bash", [Path.Combine(RepoPaths.Root, "cloud", "scripts", "speech.sh"), source, variant.ToString(CultureInfo.InvariantCulture), wholeSeconds], TimeSpan.FromMinutes(5));
            var temp = target + ".tmp.wav";
            await ExternalTool.RunCheckedAsync("sox", [Path.Combine(source, $"device-{variant}.wav"), temp, "trim", "0", seconds.ToString(CultureInfo.InvariantCulture)]);
            var duration = double.Parse((await ExternalTool.RunCheckedAsync("soxi", ["-D", temp])).StdOut.Trim(), CultureInfo.InvariantCulture);
            if (Math.Abs(duration - seconds) > 0.001)
            {
                throw new InvalidOperationException($"generated speech is {duration} s, wanted {seconds} s");
            }

            File.Move(temp, target);
            return target;
        }
        finally
        {
            Gate.Release();
        }
    }
}
