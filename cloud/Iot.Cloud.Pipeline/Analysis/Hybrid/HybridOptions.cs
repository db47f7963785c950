namespace Iot.Cloud.Pipeline.Analysis.Hybrid;

/// <summary>
/// <c>Pipeline:Analysis:Hybrid</c>. The prompt is bounded by construction: at most <see cref="MaxCandidates"/>
/// candidates, each sent as its utterance plus one before and two after, every one cut to
/// <see cref="MaxUtteranceChars"/> characters; so a long or hostile transcript cannot make a request grow.
/// </summary>
public sealed class HybridOptions
{
    /// <summary>Candidate offer turns sent per dialogue; the rules' own offers go first, then the pre-selection by strength.</summary>
    public int MaxCandidates { get; set; } = 8;

    /// <summary>Characters of each utterance sent (the candidate and its context); a longer one is cut around the rules' item.</summary>
    public int MaxUtteranceChars { get; set; } = 300;

    public static void Validate(HybridOptions o, string key, List<string> errors)
    {
        ArgumentNullException.ThrowIfNull(o);
        ArgumentNullException.ThrowIfNull(errors);
        if (o.MaxCandidates is < 1 or > 50)
        {
            errors.Add($"{key}:MaxCandidates {o.MaxCandidates} must be 1..50");
        }

        if (o.MaxUtteranceChars is < 40 or > 4000)
        {
            errors.Add($"{key}:MaxUtteranceChars {o.MaxUtteranceChars} must be 40..4000");
        }
    }
}
