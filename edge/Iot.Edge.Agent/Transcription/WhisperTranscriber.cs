using Iot.Protocol.Audio;
using Iot.Protocol.Messages;
using Microsoft.Extensions.Options;
using Whisper.net;
using Whisper.net.Logger;

namespace Iot.Edge.Agent.Transcription;

/// <summary>
/// One loaded Whisper model and processor (whisper.cpp through Whisper.net). Transcribes one buffer at a time; times
/// in the result are relative to the buffer, not to any chunk.
/// </summary>
internal sealed class WhisperTranscriber : IAsyncDisposable
{
    /// <summary>The only input whisper.cpp accepts: 16 kHz mono float.</summary>
    public const int SampleRate = 16000;

    private const string Section = TranscriptionOptions.Section;
    private const string UnknownLanguage = "und";

    private readonly WhisperFactory _factory;
    private readonly WhisperProcessor _processor;
    private readonly string _language;
    private readonly string[] _candidates;
    private readonly int _threads;

    // One processor per language chosen by restricted detection, built on first use (whisper.cpp fixes the language
    // per processor). Only one chunk is transcribed at a time (TranscriptionWorker), so no lock is needed.
    private readonly Dictionary<string, WhisperProcessor> _byLanguage = new(StringComparer.Ordinal);

    private WhisperTranscriber(WhisperFactory factory, WhisperProcessor processor, TranscriptionOptions options)
    {
        _factory = factory;
        _processor = processor;
        _language = options.Language;
        _candidates = options.Language == "auto" ? options.CandidateLanguages : [];
        _threads = options.Threads;
    }

    /// <summary>
    /// Loads the model and builds the processor now, so a missing, truncated or foreign file stops start-up with an
    /// <see cref="OptionsValidationException"/> naming <c>Transcription:ModelPath</c> instead of failing on the first chunk.
    /// </summary>
    public static WhisperTranscriber Load(TranscriptionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var path = options.ModelPath ?? "";
        if (!File.Exists(path))
        {
            throw Invalid("ModelPath", $"{Section}:ModelPath '{path}' does not exist; fetch a model with edge/scripts/download-whisper-model.sh");
        }

        if (!IsKnownLanguage(options.Language))
        {
            throw Invalid("Language", $"{Section}:Language '{options.Language}' is not a language Whisper knows; use 'auto' or one of: {string.Join(' ', WhisperFactory.GetSupportedLanguages())}");
        }

        if (GgmlModelFile.Check(path) is { } damage)
        {
            throw Invalid("ModelPath", $"{Section}:ModelPath '{path}' is not a usable ggml Whisper model ({damage}); download it again with edge/scripts/download-whisper-model.sh");
        }

        // whisper.cpp reports why a file is unusable only through its log, and a file that ends right after the
        // vocabulary even loads "successfully" as an empty test model (one warning), which would then transcribe
        // nothing forever. So the load is judged by its log as well as by Whisper.net's exception.
        var problems = new List<string>();
        WhisperFactory? factory = null;
        try
        {
            using (LogProvider.AddLogger((level, message) => Collect(problems, level, message)))
            {
                try
                {
                    factory = WhisperFactory.FromPath(path);
                    var processor = factory.CreateBuilder()
                        .WithThreads(options.Threads)
                        .WithLanguage(options.Language)
                        // Each chunk stands alone; conditioning on the previous window's text is what lets one
                        // hallucination repeat through the rest of a recording.
                        .WithNoContext()
                        .Build();
                    if (problems.Count == 0)
                    {
                        var loaded = new WhisperTranscriber(factory, processor, options);
                        factory = null;
                        return loaded;
                    }

                    processor.Dispose();
                }
                catch (WhisperModelLoadException)
                {
                    // Reported below with whisper.cpp's reason.
                }
            }

            var reason = problems.Count > 0 ? string.Join("; ", problems) : "whisper.cpp could not load it";
            throw Invalid("ModelPath", $"{Section}:ModelPath '{path}' is not a usable ggml Whisper model ({reason}); download it again with edge/scripts/download-whisper-model.sh");
        }
        finally
        {
            factory?.Dispose();
        }
    }

    private static bool IsKnownLanguage(string language) =>
        language == "auto" || WhisperFactory.GetSupportedLanguages().Contains(language, StringComparer.Ordinal);

    /// <summary>Transcribes 16 kHz mono S16 PCM; segment times are milliseconds from the start of <paramref name="pcm"/>.</summary>
    public async Task<ChunkTranscript> TranscribeAsync(ReadOnlyMemory<short> pcm, int sampleRate, CancellationToken cancellationToken)
    {
        if (sampleRate != SampleRate)
        {
            throw new ArgumentOutOfRangeException(nameof(sampleRate), sampleRate, $"Whisper accepts {SampleRate} Hz mono only; resample before transcribing");
        }

        var segments = new List<TranscriptSegment>();
        string? detected = null;
        if (!pcm.IsEmpty)
        {
            var samples = ToFloat(pcm.Span);
            var processor = _candidates.Length > 1 ? ForLanguage(Identify(samples)) : _candidates.Length == 1 ? ForLanguage(_candidates[0]) : _processor;
            await foreach (var s in processor.ProcessAsync(samples, cancellationToken).ConfigureAwait(false))
            {
                detected ??= s.Language;
                segments.Add(new TranscriptSegment((int)s.Start.TotalMilliseconds, (int)s.End.TotalMilliseconds, s.Text));
            }
        }

        return new ChunkTranscript(detected ?? (_language == "auto" ? UnknownLanguage : _language), segments);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var p in _byLanguage.Values)
        {
            await p.DisposeAsync().ConfigureAwait(false);
        }

        await _processor.DisposeAsync().ConfigureAwait(false);
        _factory.Dispose();
    }

    /// <summary>Detection restricted to the staff's languages: a Turkish speaker's Russian is not taken for Bulgarian.</summary>
    private string Identify(float[] samples)
    {
        var window = samples.AsSpan(0, Math.Min(samples.Length, 30 * SampleRate));
        var (language, _) = _processor.DetectLanguageWithProbability(window, _candidates);
        return language is not null && _candidates.Contains(language, StringComparer.Ordinal) ? language : _candidates[0];
    }

    private WhisperProcessor ForLanguage(string language)
    {
        if (!_byLanguage.TryGetValue(language, out var processor))
        {
            processor = _factory.CreateBuilder().WithThreads(_threads).WithLanguage(language).WithNoContext().Build();
            _byLanguage[language] = processor;
        }

        return processor;
    }

    internal static float[] ToFloat(ReadOnlySpan<short> pcm)
    {
        var samples = new float[pcm.Length];
        for (var i = 0; i < pcm.Length; i++)
        {
            samples[i] = pcm[i] / 32768f;
        }

        return samples;
    }

    private static void Collect(List<string> problems, WhisperLogLevel level, string? message)
    {
        if (message is null)
        {
            return;
        }

        if (level == WhisperLogLevel.Error || message.Contains("no tensors loaded", StringComparison.Ordinal))
        {
            lock (problems)
            {
                problems.Add(message.Trim());
            }
        }
    }

    private static OptionsValidationException Invalid(string key, string failure) =>
        new($"{Section}:{key}", typeof(TranscriptionOptions), [failure]);
}
