using Iot.Dashboard.Dialogues;

namespace Iot.Dashboard.Reviews;

/// <summary>
/// An offered thing as the reviewer names it. <c>Turn</c> (0-based utterance index) and <c>Item</c> (the seller's words in
/// that utterance, verbatim) go together; with them the offer becomes a corpus label, without them it is a category only.
/// </summary>
public sealed record ReviewOffer(string? Category, int? Turn = null, string? Item = null);

/// <summary>A checklist outcome in a request; nullable so a missing field is a named validation error, not a default.</summary>
public sealed record ReviewChecklistItem(string? ItemId, bool? Met);

/// <summary>Body of <c>POST /api/dialogues/{id}/review</c>. Every field is checked by <see cref="ReviewValidator"/>.</summary>
public sealed class ReviewRequest
{
    public bool? Upsell { get; init; }

    /// <summary>none, accepted, declined or undecided; none exactly when <see cref="Upsell"/> is false.</summary>
    public string? Reaction { get; init; }

    /// <summary>Outcomes of items of the analysis's checklist; items left out were not judged.</summary>
    public IReadOnlyList<ReviewChecklistItem>? Checklist { get; init; }

    public IReadOnlyList<ReviewOffer>? Offers { get; init; }

    /// <summary>The customer's sentiment, when the reviewer judged it (null = not judged).</summary>
    public string? Sentiment { get; init; }

    public string? Note { get; init; }
}

/// <summary>One stored review. <c>Machine*</c> are the analysis values it corrected, as they were when it was made.</summary>
public sealed record ReviewView(
    long ReviewId,
    Guid DialogueId,
    bool Upsell,
    string Reaction,
    IReadOnlyList<ChecklistOutcome> Checklist,
    IReadOnlyList<ReviewOffer> Offers,
    string? Sentiment,
    string Note,
    string Reviewer,
    DateTime ReviewedAt,
    string AnalysisEngine,
    DateTime AnalysisCreatedAt,
    bool MachineUpsell,
    string MachineReaction,
    DateTime? SupersededAt)
{
    /// <summary>The reviewer changed what the agreement figures count: the upsell answer or the reaction.</summary>
    public bool Disagrees => Upsell != MachineUpsell || Reaction != MachineReaction;
}

/// <summary>A dialogue's current review (null when none) and every review of it, newest first.</summary>
public sealed record DialogueReviews(ReviewView? Current, IReadOnlyList<ReviewView> History);

/// <summary>
/// How often the analyzer agreed with reviewers over the current reviews of a period's dialogues: upsell answers equal,
/// reactions equal. Rates are null without reviews.
/// </summary>
public sealed record ReviewAgreement(int Reviews, int UpsellAgreed, int ReactionAgreed)
{
    public double? UpsellAgreement => Reviews == 0 ? null : (double)UpsellAgreed / Reviews;

    public double? ReactionAgreement => Reviews == 0 ? null : (double)ReactionAgreed / Reviews;
}
