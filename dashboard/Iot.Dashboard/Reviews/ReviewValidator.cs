using System.Globalization;
using Iot.Dashboard.Dialogues;

namespace Iot.Dashboard.Reviews;

/// <summary>What a review corrects: the dialogue's machine analysis and its transcript, read in the saving transaction.</summary>
internal sealed record ReviewTarget(
    Guid DialogueId,
    string TenantId,
    string? BranchId,
    DateTime StartedAt,
    string Engine,
    DateTime AnalysisCreatedAt,
    bool MachineUpsell,
    string MachineReaction,
    IReadOnlyList<string> ChecklistIds,
    IReadOnlyList<string> Utterances);

/// <summary>A request that passed validation, normalised (note trimmed, checklist in the analysis's order).</summary>
internal sealed record ReviewDraft(bool Upsell, string Reaction, IReadOnlyList<ChecklistOutcome> Checklist, IReadOnlyList<ReviewOffer> Offers, string? Sentiment, string Note);

/// <summary>
/// Checks a review against the corpus labelling rules (bench/Iot.Bench.Analysis/Corpus/README.md) and against the
/// analysis it corrects. Errors are keyed by the request field (<c>checklist[2].itemId</c>), so a client can point at it.
/// </summary>
internal static class ReviewValidator
{
    public const int MaxNoteLength = 1000;
    public const int MaxOffers = 20;

    public static readonly IReadOnlyList<string> Reactions = ["none", "accepted", "declined", "undecided"];

    /// <summary>The corpus's offer categories.</summary>
    public static readonly IReadOnlyList<string> Categories = ["warranty", "accessories", "insurance", "service", "premium", "other"];

    public static (ReviewDraft? Draft, Dictionary<string, string[]> Errors) Validate(ReviewRequest request, ReviewTarget target)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        void Error(string field, string message) => errors[field] = [message];

        if (request.Upsell is null)
        {
            Error("upsell", "upsell is required (true or false)");
        }

        if (request.Reaction is null || !Reactions.Contains(request.Reaction))
        {
            Error("reaction", $"reaction must be one of {string.Join(", ", Reactions)}");
        }
        else if (request.Upsell == false && request.Reaction != "none")
        {
            Error("reaction", $"reaction must be 'none' when upsell is false (no offer, no reaction), not '{request.Reaction}'");
        }
        else if (request.Upsell == true && request.Reaction == "none")
        {
            Error("reaction", "reaction must be accepted, declined or undecided when upsell is true");
        }

        var checklist = ValidateChecklist(request.Checklist ?? [], target, Error);
        var offers = request.Offers ?? [];
        if (offers.Count > 0 && request.Upsell == false)
        {
            Error("offers", "offers must be empty when upsell is false");
        }
        else if (offers.Count > MaxOffers)
        {
            Error("offers", $"offers must have at most {MaxOffers} entries");
        }
        else
        {
            for (var i = 0; i < offers.Count; i++)
            {
                ValidateOffer(offers[i], $"offers[{i}]", target.Utterances, Error);
            }
        }

        if (request.Sentiment is not null && !DialogueFilter.Sentiments.Contains(request.Sentiment))
        {
            Error("sentiment", $"sentiment must be one of {string.Join(", ", DialogueFilter.Sentiments)}, or left out");
        }

        var note = request.Note?.Trim() ?? "";
        if (note.Length > MaxNoteLength)
        {
            Error("note", $"note must be at most {MaxNoteLength} characters (it has {note.Length})");
        }

        return errors.Count > 0
            ? (null, errors)
            : (new ReviewDraft(request.Upsell!.Value, request.Reaction!, checklist, [.. offers.Select(o => o with { Item = o.Item?.Trim() })], request.Sentiment, note), errors);
    }

    private static List<ChecklistOutcome> ValidateChecklist(IReadOnlyList<ReviewChecklistItem> items, ReviewTarget target, Action<string, string> error)
    {
        var given = new Dictionary<string, bool>(StringComparer.Ordinal);
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            if (string.IsNullOrEmpty(item.ItemId) || !target.ChecklistIds.Contains(item.ItemId))
            {
                // Only what the analyzer checked can be corrected; the tenant's profile may have changed since.
                error($"checklist[{i}].itemId", $"unknown checklist item '{item.ItemId}'; this dialogue's checklist has: {string.Join(", ", target.ChecklistIds)}");
            }
            else if (item.Met is null)
            {
                error($"checklist[{i}].met", "met is required (true or false)");
            }
            else if (!given.TryAdd(item.ItemId, item.Met.Value))
            {
                error($"checklist[{i}].itemId", $"checklist item '{item.ItemId}' is given twice");
            }
        }

        return [.. target.ChecklistIds.Where(given.ContainsKey).Select(id => new ChecklistOutcome(id, given[id]))];
    }

    private static void ValidateOffer(ReviewOffer offer, string at, IReadOnlyList<string> utterances, Action<string, string> error)
    {
        if (offer.Category is null || !Categories.Contains(offer.Category))
        {
            error(at + ".category", $"category must be one of {string.Join(", ", Categories)}");
        }

        if ((offer.Turn is null) != string.IsNullOrWhiteSpace(offer.Item))
        {
            error(at + ".turn", "turn and item go together: give both (the utterance and the seller's words in it) or neither");
        }
        else if (offer.Turn is { } turn)
        {
            if (turn < 0 || turn >= utterances.Count)
            {
                error(at + ".turn", utterances.Count == 0
                    ? "turn cannot be given: the dialogue has no transcript"
                    : string.Create(CultureInfo.InvariantCulture, $"turn must be 0..{utterances.Count - 1} (an utterance of the transcript)"));
            }
            else if (!utterances[turn].Contains(offer.Item!.Trim(), StringComparison.Ordinal))
            {
                // Corpus labels are verbatim substrings of their turn; the bench checks offers against the text.
                error(at + ".item", string.Create(CultureInfo.InvariantCulture, $"item must be words of utterance {turn} verbatim: '{utterances[turn]}'"));
            }
        }
    }
}
