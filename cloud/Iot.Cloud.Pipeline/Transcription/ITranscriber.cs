namespace Iot.Cloud.Pipeline.Transcription;

/// <summary>
/// A speech recogniser the workers can call for a dialogue whose device sent no transcript of its own.
/// Engines: Whisper.net (primary), an OpenAI-compatible HTTP endpoint, PocketSphinx (offline, English only).
/// </summary>
public interface ITranscriber
{
    /// <summary>Stable name stored with every transcript: <c>whisper</c>, <c>openai</c>, <c>pocketsphinx</c>.</summary>
    string Engine { get; }

    /// <summary>False when the engine cannot do this language (ISO 639-1, or null for "detect").</summary>
    bool Supports(string? language);

    /// <exception cref="TranscriberUnavailableException">The engine cannot run at all (model or tool missing).</exception>
    Task<Transcript> TranscribeAsync(DialogueAudio audio, string? language, CancellationToken cancellationToken);

    /// <summary>
    /// The same, biased toward what the tenant talks about where the engine can use it (Whisper: an initial prompt;
    /// PocketSphinx: a domain language model). Engines without biasing ignore the hints.
    /// </summary>
    Task<Transcript> TranscribeAsync(DialogueAudio audio, string? language, RecognitionHints? hints, CancellationToken cancellationToken) =>
        TranscribeAsync(audio, language, cancellationToken);
}

/// <summary>What the recogniser may be biased toward: the tenant's analysis profile (product words, offer frames, replies).</summary>
public sealed record RecognitionHints(string TenantId, Analysis.AnalysisProfile Profile);

/// <summary>Mono 16-bit PCM at 16 kHz, the only rate every engine accepts.</summary>
public sealed record DialogueAudio(ReadOnlyMemory<short> Pcm, int SampleRate = 16000)
{
    public TimeSpan Duration => TimeSpan.FromSeconds((double)Pcm.Length / SampleRate);
}

/// <summary>What was said, with times in milliseconds from the start of the dialogue audio.</summary>
/// <param name="Confidence">The recogniser's own confidence 0..1 (whisper.cpp: mean token probability; OpenAI: from the
/// segments' average log-probability); null when the engine reports none.</param>
public sealed record Transcript(string Engine, string Language, IReadOnlyList<Utterance> Utterances, double? Confidence = null)
{
    /// <summary>The text evidence quotes are checked against: utterances joined by single spaces.</summary>
    public string Text => string.Join(' ', Utterances.Select(u => u.Text.Trim()).Where(t => t.Length > 0));
}

/// <summary>
/// An engine that can tell which of several languages a recording is in, so a device whose staff speak Russian and
/// Turkish gets each dialogue transcribed in the right one (whisper.cpp's language identification, restricted to the
/// candidates).
/// </summary>
public interface ISpokenLanguageIdentifier
{
    /// <returns>One of <paramref name="candidates"/>.</returns>
    Task<string> IdentifyAsync(DialogueAudio audio, IReadOnlyList<string> candidates, CancellationToken cancellationToken);
}

/// <summary>The engine is not usable (no model configured, binary missing): the job waits instead of failing.</summary>
public sealed class TranscriberUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
