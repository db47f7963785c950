namespace Iot.TestSupport.Dialogues;

/// <summary>
/// A shop-counter dialogue with its known labels, for analyzer tests, the analysis bench and end-to-end runs.
/// Labels use the pipeline's names: reaction none|accepted|declined|undecided, sentiment negative|neutral|positive,
/// checklist item ids greeting|offer|farewell, categories as in BuiltInProfiles.
/// </summary>
/// <param name="Hard">A case the rule engine is expected to get wrong (e.g. a product named in a complaint reads as an offer); kept in the bench, left out of exact-label tests.</param>
public sealed record DialogueScript(
    string Id,
    string Language,
    IReadOnlyList<DialogueLine> Lines,
    bool Upsell,
    IReadOnlyList<string> Categories,
    string Reaction,
    IReadOnlyList<string> ChecklistMet,
    string Sentiment,
    bool Hard = false)
{
    /// <summary>The words as spoken, lines joined by single spaces (what a perfect transcript's text would be).</summary>
    public string Text => string.Join(' ', Lines.Select(l => l.Text));
}

public sealed record DialogueLine(bool Seller, string Text);
