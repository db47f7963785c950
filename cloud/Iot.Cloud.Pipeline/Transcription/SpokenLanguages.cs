namespace Iot.Cloud.Pipeline.Transcription;

/// <summary>
/// The languages the staff at a dialogue's device speak (migration 0053) and the level that set them: <c>device</c>
/// (desired config), <c>branch</c> or <c>tenant</c>. None = any language, detected.
/// </summary>
public sealed record SpokenLanguages(IReadOnlyList<string> Codes, string? Level)
{
    public static readonly SpokenLanguages Any = new([], null);

    public bool IsSet => Codes.Count > 0;

    public bool Contains(string language) => Codes.Contains(language, StringComparer.OrdinalIgnoreCase);

    public override string ToString() => IsSet ? $"{string.Join(", ", Codes)} (set for the {Level})" : "any (detected)";
}

/// <summary>What to ask the engine for, or why the dialogue has to wait for another engine.</summary>
/// <param name="Language">Passed to the engine; null = the engine detects.</param>
/// <param name="Identify">Candidates the engine picks from before transcribing (several languages spoken here).</param>
/// <param name="WaitReason">Set when no configured engine can transcribe these languages: stored as the job's wait reason
/// and shown on the dialogue page, instead of storing a transcript in the wrong language.</param>
public sealed record TranscriptionPlan(string? Language, IReadOnlyList<string>? Identify, string? WaitReason)
{
    public static TranscriptionPlan For(ITranscriber engine, SpokenLanguages spoken)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(spoken);
        if (!spoken.IsSet)
        {
            return engine.Supports(null)
                ? new TranscriptionPlan(null, null, null)
                : new TranscriptionPlan(null, null, $"no transcriber configured: engine '{engine.Engine}' cannot detect the language; set the spoken languages");
        }

        var missing = spoken.Codes.Where(l => !engine.Supports(l)).ToList();
        if (missing.Count > 0)
        {
            return new TranscriptionPlan(null, null,
                $"no transcriber for {string.Join(", ", missing)}: engine '{engine.Engine}' has no model for it (spoken languages {spoken})");
        }

        if (spoken.Codes.Count == 1)
        {
            return new TranscriptionPlan(spoken.Codes[0], null, null);
        }

        // Several languages: an engine that can identify picks among them; one that detects by itself (an OpenAI
        // server) is checked afterwards (TranscriptCheck); one that can do neither would transcribe everything as
        // one language, which is exactly the garbage this guards against.
        if (engine is ISpokenLanguageIdentifier)
        {
            return new TranscriptionPlan(null, spoken.Codes, null);
        }

        return engine.Supports(null)
            ? new TranscriptionPlan(null, null, null)
            : new TranscriptionPlan(null, null, $"no transcriber for {spoken}: engine '{engine.Engine}' cannot tell these languages apart");
    }
}

/// <summary>Whether a transcript may count: the recogniser was sure enough, and it is in a language spoken here.</summary>
public static class TranscriptCheck
{
    /// <returns>Why the transcript is flagged, or null.</returns>
    public static string? Flag(Transcript transcript, SpokenLanguages spoken, double lowConfidenceBelow)
    {
        ArgumentNullException.ThrowIfNull(transcript);
        ArgumentNullException.ThrowIfNull(spoken);
        if (spoken.IsSet && transcript.Language is { Length: > 0 } heard && heard != "und" && !spoken.Contains(heard))
        {
            return $"transcript is in '{heard}' but the spoken languages here are {string.Join(", ", spoken.Codes)}";
        }

        if (transcript.Confidence is { } confidence && confidence < lowConfidenceBelow)
        {
            return string.Create(System.Globalization.CultureInfo.InvariantCulture, $"recogniser confidence {confidence:0.00} is below {lowConfidenceBelow:0.00}");
        }

        return null;
    }
}
