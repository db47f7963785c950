using Iot.Cloud.Pipeline.Transcription.Biasing;
using Iot.Protocol.Audio;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Whisper.net;
using Whisper.net.Logger;

namespace Iot.Cloud.Pipeline.Transcription;

/// <summary>
/// whisper.cpp in-process through Whisper.net. The model is loaded on first use and kept; each call builds its own
/// processor (whisper state), so concurrent jobs and per-job languages do not share decoder state.
/// </summary>
internal sealed partial class WhisperNetTranscriber(IOptions<TranscriptionOptions> options, ILogger<WhisperNetTranscriber> logger) : ITranscriber, ISpokenLanguageIdentifier, IDisposable
{
    public const string EngineName = "whisper";

    private const string Key = TranscriptionOptions.Section + ":Whisper";

    private readonly WhisperEngineOptions _options = options.Value.Whisper;
    private readonly SemaphoreSlim _loadGate = new(1, 1);
    private WhisperFactory? _factory;

    public string Engine => EngineName;

    public bool Supports(string? language) => language is null || WhisperFactory.GetSupportedLanguages().Contains(language, StringComparer.Ordinal);

    public Task<Transcript> TranscribeAsync(DialogueAudio audio, string? language, CancellationToken cancellationToken) =>
        TranscribeAsync(audio, language, null, cancellationToken);

    public async Task<Transcript> TranscribeAsync(DialogueAudio audio, string? language, RecognitionHints? hints, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(audio);
        if (audio.SampleRate != 16000)
        {
            throw new ArgumentException($"Whisper accepts 16000 Hz only; got {audio.SampleRate} Hz", nameof(audio));
        }

        var wanted = language ?? _options.Language;
        var prompt = _options.ProfilePrompt && hints is not null ? WhisperPrompt.Build(hints.Profile, wanted, _options.PromptMaxTokens) : null;
        var factory = await FactoryAsync(cancellationToken).ConfigureAwait(false);
        var utterances = new List<Utterance>();
        string? detected = null;
        if (prompt is not null)
        {
            LogPrompt(logger, wanted, prompt.Length);
        }

        double weighted = 0, weights = 0;
        await using (var processor = Build(factory, wanted, prompt))
        {
            if (!audio.Pcm.IsEmpty)
            {
                await foreach (var s in processor.ProcessAsync(ToFloat(audio.Pcm.Span), cancellationToken).ConfigureAwait(false))
                {
                    detected ??= s.Language;
                    utterances.Add(new Utterance((int)s.Start.TotalMilliseconds, (int)s.End.TotalMilliseconds, s.Text.Trim(), WhisperWords.From(s.Tokens, s.Text)));

                    // Mean token probability, weighted by the segment's length so one short "uh" does not decide.
                    var length = Math.Max(1, (s.End - s.Start).TotalMilliseconds);
                    weighted += s.Probability * length;
                    weights += length;
                }
            }
        }

        LogDone(logger, audio.Duration.TotalSeconds, utterances.Count, detected ?? wanted);
        return new Transcript(EngineName, detected ?? (wanted == "auto" ? "und" : wanted), utterances, weights > 0 ? weighted / weights : null);
    }

    /// <summary>
    /// whisper.cpp's language identification on the first 30 s (what its encoder sees), restricted to the languages
    /// spoken at the device, so Russian said with a Turkish accent is not transcribed as, say, Bulgarian.
    /// </summary>
    public async Task<string> IdentifyAsync(DialogueAudio audio, IReadOnlyList<string> candidates, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(audio);
        ArgumentNullException.ThrowIfNull(candidates);
        if (candidates.Count == 0)
        {
            throw new ArgumentException("at least one candidate language is needed", nameof(candidates));
        }

        if (candidates.Count == 1 || audio.Pcm.IsEmpty)
        {
            return candidates[0];
        }

        var factory = await FactoryAsync(cancellationToken).ConfigureAwait(false);
        var window = audio.Pcm[..Math.Min(audio.Pcm.Length, 30 * audio.SampleRate)];
        var samples = ToFloat(window.Span);
        var codes = candidates.ToArray();
        return await Task.Run(
            () =>
            {
                using var processor = Build(factory, "auto");
                var (language, probability) = processor.DetectLanguageWithProbability(samples, codes);
                LogIdentified(logger, language ?? "none", probability, string.Join(",", codes));
                return language is not null && codes.Contains(language, StringComparer.Ordinal) ? language : codes[0];
            },
            cancellationToken).ConfigureAwait(false);
    }

    public void Dispose()
    {
        _factory?.Dispose();
        _loadGate.Dispose();
    }

    private WhisperProcessor Build(WhisperFactory factory, string language, string? prompt = null)
    {
        var builder = factory.CreateBuilder()
            .WithThreads(_options.Threads)
            .WithLanguage(language)
            // A dialogue stands alone; conditioning on earlier windows is what lets one hallucination repeat.
            .WithNoContext()
            // Word times let the dashboard jump to a word; whisper.cpp derives them from the decoder's timestamp probabilities.
            .WithTokenTimestamps()
            // Segment probabilities become the transcript's confidence (a low one is flagged, not averaged into KPIs).
            .WithProbabilities();
        // The initial prompt is the tenant's vocabulary, not earlier output, so it does not feed a repeating hallucination.
        return (prompt is null ? builder : builder.WithPrompt(prompt)).Build();
    }

    private async Task<WhisperFactory> FactoryAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _factory) is { } loaded)
        {
            return loaded;
        }

        await _loadGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return _factory ??= Load();
        }
        finally
        {
            _loadGate.Release();
        }
    }

    /// <summary>
    /// whisper.cpp explains an unusable file only in its log, and a file cut right after the vocabulary even loads as
    /// an empty model; so the load is judged by the log as well as by exceptions (the edge agent does the same).
    /// </summary>
    private WhisperFactory Load()
    {
        var path = _options.ModelPath ?? "";
        if (!File.Exists(path))
        {
            throw new TranscriberUnavailableException($"{Key}:ModelPath '{path}' does not exist; put a ggml Whisper model there (edge/scripts/download-whisper-model.sh fetches one)");
        }

        if (GgmlModelFile.Check(path) is { } damage)
        {
            throw new TranscriberUnavailableException($"{Key}:ModelPath '{path}' is not a usable ggml Whisper model ({damage})");
        }

        var problems = new List<string>();
        WhisperFactory? factory = null;
        Exception? failure = null;
        try
        {
            using (LogProvider.AddLogger((level, message) => Collect(problems, level, message)))
            {
                try
                {
                    factory = WhisperFactory.FromPath(path);
                    using var probe = Build(factory, "auto");
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    failure = e;
                }
            }

            if (failure is null && problems.Count == 0)
            {
                var ok = factory!;
                factory = null;
                return ok;
            }

            var reason = problems.Count > 0 ? string.Join("; ", problems) : failure?.Message ?? "whisper.cpp could not load it";
            throw new TranscriberUnavailableException($"{Key}:ModelPath '{path}' is not a usable ggml Whisper model ({reason})", failure);
        }
        finally
        {
            factory?.Dispose();
        }
    }

    private static void Collect(List<string> problems, WhisperLogLevel level, string? message)
    {
        if (message is not null && (level == WhisperLogLevel.Error || message.Contains("no tensors loaded", StringComparison.Ordinal)))
        {
            lock (problems)
            {
                problems.Add(message.Trim());
            }
        }
    }

    private static float[] ToFloat(ReadOnlySpan<short> pcm)
    {
        var samples = new float[pcm.Length];
        for (var i = 0; i < pcm.Length; i++)
        {
            samples[i] = pcm[i] / 32768f;
        }

        return samples;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "whisper: initial prompt from the tenant's profile, language {Language}, {Chars} characters")]
    private static partial void LogPrompt(ILogger logger, string language, int chars);

    [LoggerMessage(Level = LogLevel.Information, Message = "whisper identified language {Language} (p {Probability:0.00}) among {Candidates}")]
    private static partial void LogIdentified(ILogger logger, string language, float probability, string candidates);

    [LoggerMessage(Level = LogLevel.Debug, Message = "whisper transcribed {AudioSeconds:0.0} s into {Segments} segments, language {Language}")]
    private static partial void LogDone(ILogger logger, double audioSeconds, int segments, string language);
}
