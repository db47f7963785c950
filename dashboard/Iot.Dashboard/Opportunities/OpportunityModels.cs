namespace Iot.Dashboard.Opportunities;

/// <summary>One offer act of an analysis (migration 0067): the seller's own words, its category and the customer's reply.</summary>
public sealed record OfferedItemView(string Item, string Category, string Reaction);

/// <summary>
/// A dialogue of the missed list: the customer bought (or asked to pay) and nobody offered anything.
/// <see cref="PurchaseQuotes"/> are the analysis's evidence of claim "purchase", verbatim from the transcript.
/// </summary>
public sealed record MissedOpportunity(
    Guid DialogueId,
    DateTime StartedAt,
    string? BranchId,
    string DeviceId,
    string? OperatorId,
    int QualityScore,
    string Summary,
    IReadOnlyList<string> PurchaseQuotes,
    string Url);

/// <summary>
/// A dialogue of the declined list: the analysis's reaction is "declined". <see cref="OfferQuotes"/> are the evidence of
/// claim "upsell" (what the seller said), <see cref="ReactionQuotes"/> of claim "reaction" (the customer's reply).
/// </summary>
public sealed record DeclinedOffer(
    Guid DialogueId,
    DateTime StartedAt,
    string? BranchId,
    string DeviceId,
    string? OperatorId,
    int QualityScore,
    IReadOnlyList<string> OfferedCategories,
    IReadOnlyList<OfferedItemView> OfferedItems,
    IReadOnlyList<string> OfferQuotes,
    IReadOnlyList<string> ReactionQuotes,
    string Url);

/// <summary>A page of a list, newest first; <see cref="NextCursor"/> is null on the last page. Days are local days of <see cref="TimeZone"/>.</summary>
public sealed record OpportunityPage<T>(DateOnly From, DateOnly To, string TimeZone, IReadOnlyList<T> Items, string? NextCursor, int PageSize);

/// <summary>
/// An offered item over the period, by the seller's words case-folded and trimmed (inner runs of white space as one
/// space). <see cref="Offered"/> counts offer acts (one dialogue may offer it twice), <see cref="Dialogues"/> the
/// dialogues; acceptance rate = accepted / offered. <see cref="Category"/> is the one it was most often filed under.
/// <see cref="DialoguesUrl"/> lists the dialogues behind the row.
/// </summary>
public sealed record OfferedItemStats(string Item, string Category, int Offered, int Dialogues, int Accepted, int Declined, double? AcceptanceRate, string DialoguesUrl);

public sealed record TopItems(DateOnly From, DateOnly To, string TimeZone, string Sort, IReadOnlyList<OfferedItemStats> Items);
