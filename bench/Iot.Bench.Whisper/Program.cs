using System.Diagnostics;
using System.Globalization;
using Iot.Edge.Agent.Transcription;
using Iot.Edge.Audio;
using Iot.TestSupport;
using Iot.TestSupport.Whisper;

// Real-time factor of on-device transcription: processing seconds per second of speech, on one thread by default.
// The weights are the tiny-shaped fixture (no real weights can be fetched here), so the work per window - a full
// 30 s encoder pass plus ~4 decoded tokens per second of audio - matches ggml-tiny, not the transcript's quality.
// Usage: dotnet run -c Release --project bench/Iot.Bench.Whisper [-- --threads N --runs N --model path/to/ggml-tiny.bin]
var threads = IntArg("--threads", 1);
var runs = IntArg("--runs", 3);
var model = StringArg("--model") ?? await WhisperFixtureModel.PathAsync();

Console.WriteLine($"model {model} ({new FileInfo(model).Length / 1e6:F1} MB), {threads} thread(s), median of {runs} runs after one warm-up");
// CPU time is printed beside wall time because a shared machine stretches wall time; on one thread CPU time is
// what an otherwise idle core would take.
Console.WriteLine($"{"audio",6} {"language",9} {"wall ms",8} {"RTF",7} {"cpu ms",8} {"CPU RTF",8}");
foreach (var language in new[] { "en", "auto" })
{
    await using var transcriber = WhisperTranscriber.Load(new TranscriptionOptions { Enabled = true, ModelPath = model, Language = language, Threads = threads });
    foreach (var seconds in new[] { 10, 30 })
    {
        var pcm = await PcmAsync(seconds);
        await transcriber.TranscribeAsync(pcm, WhisperTranscriber.SampleRate, CancellationToken.None);
        var wall = new List<double>();
        var cpu = new List<double>();
        using var self = Process.GetCurrentProcess();
        for (var i = 0; i < runs; i++)
        {
            self.Refresh();
            var cpuBefore = self.TotalProcessorTime;
            var watch = Stopwatch.StartNew();
            await transcriber.TranscribeAsync(pcm, WhisperTranscriber.SampleRate, CancellationToken.None);
            wall.Add(watch.Elapsed.TotalMilliseconds);
            self.Refresh();
            cpu.Add((self.TotalProcessorTime - cpuBefore).TotalMilliseconds);
        }

        var w = Median(wall);
        var c = Median(cpu);
        Console.WriteLine($"{seconds,5}s {language,9} {w,8:F0} {w / 1000 / seconds,7:F3} {c,8:F0} {c / 1000 / seconds,8:F3}");
    }
}

Console.WriteLine("RTF < 1 keeps up with continuous speech on that many threads; 'auto' adds a language-detection encoder pass per chunk.");
return 0;

static double Median(List<double> values)
{
    values.Sort();
    return values[values.Count / 2];
}

static async Task<short[]> PcmAsync(int seconds)
{
    await using var source = new WavFileSource(await SpeechAudio.WavAsync(seconds), loop: false, realTime: false, TimeProvider.System);
    var pcm = new short[seconds * WhisperTranscriber.SampleRate];
    var filled = 0;
    int read;
    while (filled < pcm.Length && (read = await source.ReadAsync(pcm.AsMemory(filled), CancellationToken.None)) > 0)
    {
        filled += read;
    }

    return pcm;
}

int IntArg(string name, int fallback) => StringArg(name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;

string? StringArg(string name)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}
