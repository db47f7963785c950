namespace Iot.Cloud.Data.Records;

// The JSON kept in analyses.checklist and analyses.evidence, written by the pipeline's analysers and read by the
// dashboard (detail view, reviews, exports).

/// <summary>One checklist item of the tenant's analysis profile and whether the dialogue met it.</summary>
public sealed record ChecklistOutcome(string ItemId, bool Met);

/// <summary>A verbatim piece of the transcript backing one claim (<c>upsell</c>, <c>greeting</c>, <c>reaction</c>, <c>sentiment</c>, <c>checklist:{id}</c>).</summary>
public sealed record EvidenceQuote(string Claim, string Quote);

/// <summary>
/// One element of analyses.offered_items: what the seller offered in their own words (verbatim in the transcript), its
/// profile category (<c>other</c> when none fits) and the customer's reaction (<c>accepted</c>, <c>declined</c>, <c>undecided</c>).
/// </summary>
public sealed record OfferedItemRecord(string Item, string Category, string Reaction);
