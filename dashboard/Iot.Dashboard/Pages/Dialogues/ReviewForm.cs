using Iot.Dashboard.Dialogues;
using Iot.Dashboard.Reviews;

namespace Iot.Dashboard.Pages.Dialogues;

/// <summary>
/// The dialogue page's review form: one select per checklist item of the analysis (ids and outcomes as parallel
/// lists) and category checkboxes. Offers with a turn and the seller's words are the API's (`POST .../review`) only.
/// </summary>
public sealed class ReviewForm
{
    public bool? Upsell { get; set; }

    public string? Reaction { get; set; }

    public List<string> ChecklistIds { get; set; } = [];

    /// <summary>"met" or "missed", in the order of <see cref="ChecklistIds"/>.</summary>
    public List<string> ChecklistMet { get; set; } = [];

    public List<string> Categories { get; set; } = [];

    public string? Sentiment { get; set; }

    public string? Note { get; set; }

    public bool? IsMet(string itemId)
    {
        var i = ChecklistIds.IndexOf(itemId);
        return i >= 0 && i < ChecklistMet.Count ? ChecklistMet[i] switch { "met" => true, "missed" => false, _ => null } : null;
    }

    public ReviewRequest ToRequest() => new()
    {
        Upsell = Upsell,
        Reaction = Reaction,
        Checklist = [.. ChecklistIds.Select((id, i) => new ReviewChecklistItem(id, i < ChecklistMet.Count ? ChecklistMet[i] switch { "met" => true, "missed" => false, _ => null } : null))],
        // "No upsell" on the form means no offers, whatever boxes were left ticked from the analysis.
        Offers = Upsell == false ? [] : [.. Categories.Select(c => new ReviewOffer(c))],
        Sentiment = Sentiment,
        Note = Note,
    };

    /// <summary>Starts from the current review where there is one, else from what the analyzer said.</summary>
    public static ReviewForm From(ReviewView? current, AnalysisView? analysis)
    {
        var checklist = analysis?.Checklist ?? [];
        var judged = current?.Checklist.ToDictionary(c => c.ItemId, c => c.Met, StringComparer.Ordinal) ?? [];
        return new ReviewForm
        {
            Upsell = current?.Upsell ?? analysis?.UpsellAttempted,
            Reaction = current?.Reaction ?? analysis?.CustomerReaction,
            ChecklistIds = [.. checklist.Select(c => c.ItemId)],
            ChecklistMet = [.. checklist.Select(c => judged.GetValueOrDefault(c.ItemId, c.Met) ? "met" : "missed")],
            Categories = current is not null ? [.. current.Offers.Select(o => o.Category!).Distinct(StringComparer.Ordinal)] : [.. analysis?.OfferedCategories ?? []],
            Sentiment = current?.Sentiment,
            Note = current?.Note,
        };
    }
}
