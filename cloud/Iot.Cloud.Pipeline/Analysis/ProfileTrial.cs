using Iot.Cloud.Pipeline.Transcription;

namespace Iot.Cloud.Pipeline.Analysis;

/// <summary>
/// The dashboard's "try it" box: runs the rule engine on pasted text with a profile (the tenant's, or a draft being
/// edited) and reports the result with its evidence and the frames that fired, so a profile change can be checked
/// before it is saved. Deterministic and offline; the same code path as the <c>analyze</c> job with the rules engine.
/// </summary>
public static class ProfileTrial
{
    /// <summary>The rules engine version a trial (and a stored rules result) reports.</summary>
    public const string EngineVersion = RuleAnalyzer.EngineVersion;

    public const int MaxTextChars = 20_000;
    public const int MaxLines = 200;

    // Each pasted line becomes one utterance. The pause between lines is long enough that TurnRoles treats every line
    // as a change of speaker (≥ 450 ms), which is how people paste a dialogue: one turn per line.
    private const int LineMs = 2_000;
    private const int PauseMs = 600;

    /// <summary>Lines of pasted text as utterances; a leading "S:" / "C:" (seller/customer label) is dropped.</summary>
    public static IReadOnlyList<string> Lines(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return [.. text.Split('\n').Select(StripLabel).Where(l => l.Length > 0)];
    }

    /// <exception cref="ArgumentException">No language of that code in the profile, too much text, or no text.</exception>
    public static TrialResult Run(AnalysisProfile profile, string language, string text)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(text);
        if (!profile.Languages.TryGetValue(language ?? "", out var phrases))
        {
            throw new ArgumentException($"language '{language}' is not in the profile (it has {string.Join(", ", profile.Languages.Keys.Order(StringComparer.Ordinal))})", nameof(language));
        }

        if (text.Length > MaxTextChars)
        {
            throw new ArgumentException($"text must be at most {MaxTextChars} characters (got {text.Length})", nameof(text));
        }

        var lines = Lines(text);
        if (lines.Count == 0 || lines.Count > MaxLines)
        {
            throw new ArgumentException($"text must have 1..{MaxLines} non-empty lines (got {lines.Count})", nameof(text));
        }

        var utterances = lines.Select((l, i) => new Utterance(i * (LineMs + PauseMs), (i * (LineMs + PauseMs)) + LineMs, l)).ToList();
        var transcript = new Transcript("pasted", language!, utterances);

        // Only the chosen language: the picker must not wander to another language of the profile.
        var single = profile with { Languages = new Dictionary<string, LanguagePhrases>(StringComparer.Ordinal) { [language!] = phrases } };
        var result = RuleAnalyzer.Analyze(transcript, single);
        var turns = SpokenTurn.Of(transcript);
        var own = (phrases.OfferFrames ?? []).ToHashSet(StringComparer.Ordinal);
        var fired = OfferDetector.Find(turns, LanguageRules.For(language!, phrases))
            .Select(o => new FiredFrame(o.Frame, own.Contains(o.Frame), o.Item, o.Category, o.Quote, o.Turn + 1))
            .ToList();
        return new TrialResult(result, fired, transcript.Text);
    }

    private static string StripLabel(string line)
    {
        var l = line.Trim();
        return l.Length >= 2 && l[1] == ':' && (l[0] is 'S' or 's' or 'C' or 'c') ? l[2..].Trim() : l;
    }
}

/// <param name="Text">The transcript text evidence quotes come from (lines joined by spaces).</param>
public sealed record TrialResult(AnalysisResult Result, IReadOnlyList<FiredFrame> Frames, string Text);

/// <param name="Frame">The frame's source text as written in the profile (or the built-in list).</param>
/// <param name="FromProfile">True when the frame is one of the profile's own <c>offerFrames</c>, false when built in.</param>
/// <param name="Line">1-based pasted line it fired on.</param>
public sealed record FiredFrame(string Frame, bool FromProfile, string Item, string Category, string Quote, int Line);
