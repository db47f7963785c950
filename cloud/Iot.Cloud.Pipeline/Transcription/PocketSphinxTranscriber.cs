using System.ComponentModel;
using System.Diagnostics;
using Iot.Cloud.Pipeline.Transcription.Biasing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Iot.Cloud.Pipeline.Transcription;

/// <summary>
/// CMU PocketSphinx (Debian's 0.8 <c>pocketsphinx_continuous</c>) as a child process on a temporary WAV file. Offline and
/// cheap but English only and far less accurate than Whisper; it gives word times.
/// </summary>
internal sealed partial class PocketSphinxTranscriber(IOptions<TranscriptionOptions> options, TimeProvider time, ILogger<PocketSphinxTranscriber> logger) : ITranscriber
{
    public const string EngineName = "pocketsphinx";

    private const string Key = TranscriptionOptions.Section + ":PocketSphinx";

    private readonly PocketSphinxOptions _options = options.Value.PocketSphinx;
    private DomainLanguageModel? _domainLm;

    public string Engine => EngineName;

    /// <summary>The domain model builder when <c>DomainLm:Enabled</c> (null otherwise); the bench reads its build figures.</summary>
    internal DomainLanguageModel? DomainLm => _options.DomainLm.Enabled
        ? LazyInitializer.EnsureInitialized(ref _domainLm, () => new DomainLanguageModel(_options.DomainLm, _options.ModelDirectory, logger))
        : null;

    public bool Supports(string? language) => language is null or "en";

    public Task<Transcript> TranscribeAsync(DialogueAudio audio, string? language, CancellationToken cancellationToken) =>
        TranscribeAsync(audio, language, null, cancellationToken);

    public async Task<Transcript> TranscribeAsync(DialogueAudio audio, string? language, RecognitionHints? hints, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(audio);
        if (!Supports(language))
        {
            throw new NotSupportedException($"pocketsphinx has an English model only; cannot transcribe '{language}'");
        }

        if (audio.SampleRate != 16000)
        {
            throw new ArgumentException($"pocketsphinx is run at 16000 Hz; got {audio.SampleRate} Hz", nameof(audio));
        }

        var executable = ResolveExecutable();
        var model = ModelFiles();
        if (DomainLm is { } domain)
        {
            // The shop's own talk instead of general English: offer frames survive the stock model, product words do not.
            model = model with { Lm = (await domain.GetAsync(hints?.Profile, cancellationToken).ConfigureAwait(false)).Path };
        }

        var wav = Path.Combine(Path.GetTempPath(), $"iot-pocketsphinx-{Guid.NewGuid():n}.wav");
        try
        {
            await File.WriteAllBytesAsync(wav, WavFile.Encode(audio), cancellationToken).ConfigureAwait(false);
            var started = time.GetTimestamp();
            var stdout = await RunAsync(executable, ["-infile", wav, "-time", "yes", "-samprate", "16000", "-hmm", model.Hmm, "-lm", model.Lm, "-dict", model.Dict, "-logfn", "/dev/null"], cancellationToken).ConfigureAwait(false);
            var utterances = PocketSphinxOutput.Parse(stdout);
            LogDone(logger, audio.Duration.TotalSeconds, time.GetElapsedTime(started).TotalSeconds, utterances.Count);
            return new Transcript(EngineName, "en", utterances, PocketSphinxOutput.MeanConfidence(stdout));
        }
        finally
        {
            File.Delete(wav);
        }
    }

    private async Task<string> RunAsync(string executable, string[] args, CancellationToken cancellationToken)
    {
        var psi = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        // The deadline starts before the process does, so the whole run (start included) is bounded, and a caller that
        // sees the child running knows its deadline is already counting.
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(_options.TimeoutSeconds), time);
        Process process;
        try
        {
            process = Process.Start(psi) ?? throw new TranscriberUnavailableException($"{Key}:Executable '{executable}' could not be started");
        }
        catch (Win32Exception e)
        {
            throw new TranscriberUnavailableException($"{Key}:Executable '{executable}' could not be started ({e.Message}); install the Debian package pocketsphinx", e);
        }

        using (process)
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
            var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
            var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
            try
            {
                await process.WaitForExitAsync(linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
                throw new TimeoutException($"pocketsphinx did not finish within {_options.TimeoutSeconds} s ({Key}:TimeoutSeconds); killed it");
            }

            var output = await stdout.ConfigureAwait(false);
            var errors = await stderr.ConfigureAwait(false);
            if (process.ExitCode != 0)
            {
                var tail = errors.Length > 600 ? errors[^600..] : errors;
                throw new InvalidOperationException($"pocketsphinx exited with {process.ExitCode}: {tail.Trim()}");
            }

            return output;
        }
    }

    private string ResolveExecutable()
    {
        var name = _options.Executable;
        if (Path.IsPathRooted(name))
        {
            return File.Exists(name) ? name : throw Missing(name);
        }

        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw Missing(name);
    }

    private static TranscriberUnavailableException Missing(string name) =>
        new($"{Key}:Executable '{name}' was not found; install the Debian package pocketsphinx (apt-get install pocketsphinx pocketsphinx-en-us)");

    private (string Hmm, string Lm, string Dict) ModelFiles()
    {
        var dir = _options.ModelDirectory;
        var files = (Hmm: Path.Combine(dir, "en-us"), Lm: Path.Combine(dir, "en-us.lm.bin"), Dict: Path.Combine(dir, "cmudict-en-us.dict"));
        var missing = new[] { files.Lm, files.Dict }.Where(f => !File.Exists(f))
            .Concat(new[] { Path.Combine(files.Hmm, "mdef") }.Where(f => !File.Exists(f)))
            .ToList();
        return missing.Count == 0
            ? files
            : throw new TranscriberUnavailableException($"{Key}:ModelDirectory '{dir}' lacks {string.Join(", ", missing)}; install the Debian package pocketsphinx-en-us");
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "pocketsphinx transcribed {AudioSeconds:0.0} s of audio in {WallSeconds:0.0} s: {Utterances} utterances")]
    private static partial void LogDone(ILogger logger, double audioSeconds, double wallSeconds, int utterances);
}
