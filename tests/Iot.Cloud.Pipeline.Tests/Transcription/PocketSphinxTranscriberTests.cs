using Iot.Cloud.Pipeline.Transcription;
using Iot.TestSupport;
using Iot.TestSupport.Dialogues;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Iot.Cloud.Pipeline.Tests.Transcription;

/// <summary>The real Debian pocketsphinx_continuous on real espeak-ng speech.</summary>
public sealed class PocketSphinxTranscriberTests
{
    [Fact]
    public async Task English_speech_is_transcribed_with_spoken_words_and_ordered_word_times_inside_the_audio()
    {
        var spoken = await DialogueSpeech.SpeakAsync(DialogueScripts.All.Single(d => d.Id == "en-two-offers-accepted"));
        var engine = Engine();

        var transcript = await engine.TranscribeAsync(new DialogueAudio(spoken.Samples), "en", CancellationToken.None);

        Assert.Equal("pocketsphinx", transcript.Engine);
        Assert.Equal("en", transcript.Language);
        var words = transcript.Utterances.SelectMany(u => u.Words ?? []).ToList();
        var said = spoken.Script.Text.ToLowerInvariant();
        string[] content = ["hello", "welcome", "buying", "tablet", "would", "like", "screen", "protector", "thank", "what", "about", "extended", "warranty", "yes", "take", "excellent", "goodbye"];
        var heard = content.Where(w => words.Any(x => x.Text == w)).ToList();
        Assert.True(heard.Count >= 4, $"heard only [{string.Join(", ", heard)}] of the content words; transcript: {transcript.Text}");
        Assert.All(content, w => Assert.Contains(w, said, StringComparison.Ordinal));
        var end = (int)spoken.Duration.TotalMilliseconds;
        Assert.All(words, w => Assert.True(w.StartMs >= 0 && w.StartMs < w.EndMs && w.EndMs <= end + 50, $"{w} lies outside 0..{end} ms"));
        Assert.True(words.Zip(words.Skip(1)).All(p => p.First.EndMs <= p.Second.StartMs), "word times are not in order");
        Assert.All(transcript.Utterances, u => Assert.Equal(u.Words![0].StartMs, u.StartMs));
        Assert.DoesNotContain(words, w => w.Text.StartsWith('<') || w.Text.Contains('(', StringComparison.Ordinal));
    }

    [Fact]
    public async Task Utterances_follow_the_pauses_between_speakers()
    {
        var spoken = await DialogueSpeech.SpeakAsync(DialogueScripts.All.Single(d => d.Id == "en-warranty-accepted"));

        var transcript = await Engine().TranscribeAsync(new DialogueAudio(spoken.Samples), null, CancellationToken.None);

        // Five lines with 0.7 s pauses: the end-pointer splits at least at some of them, and each piece starts inside a spoken line.
        Assert.InRange(transcript.Utterances.Count, 2, 12);
        Assert.All(transcript.Utterances, u => Assert.Contains(spoken.Lines, l => u.StartMs >= l.StartMs - 300 && u.StartMs <= l.EndMs));
    }

    [Fact]
    public void Only_english_or_undetermined_language_is_supported()
    {
        var engine = Engine();

        Assert.True(engine.Supports("en"));
        Assert.True(engine.Supports(null));
        Assert.False(engine.Supports("ru"));
        Assert.False(engine.Supports("tr"));
    }

    [Fact]
    public async Task A_missing_program_makes_the_engine_unavailable_naming_the_setting_and_package()
    {
        var engine = Engine(o => o.Executable = "pocketsphinx_not_installed");

        var e = await Assert.ThrowsAsync<TranscriberUnavailableException>(() => engine.TranscribeAsync(new DialogueAudio(new short[16000]), "en", CancellationToken.None));

        Assert.StartsWith("Pipeline:Transcription:PocketSphinx:Executable 'pocketsphinx_not_installed'", e.Message, StringComparison.Ordinal);
        Assert.Contains("apt-get install pocketsphinx", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_model_makes_the_engine_unavailable_naming_the_folder()
    {
        using var empty = new TempDirectory("iot-ps-model");
        var engine = Engine(o => o.ModelDirectory = empty.Path);

        var e = await Assert.ThrowsAsync<TranscriberUnavailableException>(() => engine.TranscribeAsync(new DialogueAudio(new short[16000]), "en", CancellationToken.None));

        Assert.StartsWith($"Pipeline:Transcription:PocketSphinx:ModelDirectory '{empty.Path}'", e.Message, StringComparison.Ordinal);
        Assert.Contains("pocketsphinx-en-us", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_run_past_the_timeout_is_killed_and_reported()
    {
        var time = new FakeTimeProvider();
        using var own = OwnExecutable.Create();
        var engine = Engine(o => { o.TimeoutSeconds = 5; o.Executable = own.Path; }, time);
        var pcm = await LongSpeechAsync();

        var call = engine.TranscribeAsync(new DialogueAudio(pcm), "en", CancellationToken.None);
        var pid = await ChildStartedAsync(own.Path);
        time.Advance(TimeSpan.FromSeconds(6));

        var e = await Assert.ThrowsAsync<TimeoutException>(() => call.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains("Pipeline:Transcription:PocketSphinx:TimeoutSeconds", e.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists($"/proc/{pid}"), $"pocketsphinx {pid} still runs");
    }

    [Fact]
    public async Task Cancelling_the_job_kills_the_process()
    {
        using var own = OwnExecutable.Create();
        var engine = Engine(o => o.Executable = own.Path);
        var pcm = await LongSpeechAsync();
        using var cts = new CancellationTokenSource();

        var call = engine.TranscribeAsync(new DialogueAudio(pcm), "en", cts.Token);
        var pid = await ChildStartedAsync(own.Path);
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.False(Directory.Exists($"/proc/{pid}"), $"pocketsphinx {pid} still runs");
    }

    private static async Task<short[]> LongSpeechAsync()
    {
        var spoken = await DialogueSpeech.SpeakAsync(DialogueScripts.All.Single(d => d.Id == "en-two-offers-accepted"));
        return [.. Enumerable.Repeat(spoken.Samples, 6).SelectMany(s => s)];
    }

    private static async Task<int> ChildStartedAsync(string executable)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            if (RunningPocketSphinx(executable) is { } pid)
            {
                return pid;
            }

            await Task.Delay(20);
        }

        throw new TimeoutException("pocketsphinx_continuous never started");
    }

    /// <summary>
    /// Our own child: a child of this test process started through this test's own link to the program. Other test
    /// classes of this process, other assemblies and benches run pocketsphinx at the same time, and their processes
    /// must not be mistaken for ours.
    /// </summary>
    private static int? RunningPocketSphinx(string executable)
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid) || pid == Environment.ProcessId)
            {
                continue;
            }

            try
            {
                var cmdline = File.ReadAllText(Path.Combine(dir, "cmdline"));
                if (cmdline.StartsWith(executable + "\0", StringComparison.Ordinal) && cmdline.Contains("iot-pocketsphinx-", StringComparison.Ordinal)
                    && ParentOf(dir) == Environment.ProcessId)
                {
                    return pid;
                }
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        return null;
    }

    private static int? ParentOf(string procDir) =>
        File.ReadLines(Path.Combine(procDir, "status"))
            .Where(l => l.StartsWith("PPid:", StringComparison.Ordinal))
            .Select(l => int.Parse(l["PPid:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture))
            .Cast<int?>()
            .FirstOrDefault();

    private static PocketSphinxTranscriber Engine(Action<PocketSphinxOptions>? configure = null, TimeProvider? time = null)
    {
        var options = new TranscriptionOptions { Engine = "pocketsphinx" };
        configure?.Invoke(options.PocketSphinx);
        return new PocketSphinxTranscriber(Options.Create(options), time ?? TimeProvider.System, NullLogger<PocketSphinxTranscriber>.Instance);
    }

    /// <summary>A link to the real pocketsphinx_continuous in a folder of its own: its path marks the processes one test started.</summary>
    private sealed class OwnExecutable : IDisposable
    {
        private readonly TempDirectory _folder;

        private OwnExecutable(TempDirectory folder, string path)
        {
            _folder = folder;
            Path = path;
        }

        public string Path { get; }

        public static OwnExecutable Create()
        {
            var real = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
                .Select(d => System.IO.Path.Combine(d, "pocketsphinx_continuous"))
                .First(File.Exists);
            var folder = new TempDirectory("iot-ps-exe");
            var link = System.IO.Path.Combine(folder.Path, "pocketsphinx_continuous");
            File.CreateSymbolicLink(link, real);
            return new OwnExecutable(folder, link);
        }

        public void Dispose() => _folder.Dispose();
    }
}
