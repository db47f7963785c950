using Iot.Cloud.Pipeline.Transcription;

namespace Iot.Cloud.Pipeline.Analysis;

/// <summary>Judges one dialogue's transcript. Engines: rule-based multilingual (default, offline) and an LLM.</summary>
public interface IAnalyzer
{
    /// <summary>Stable name stored with every result: <c>rules</c>, <c>llm</c>.</summary>
    string Engine { get; }

    /// <exception cref="MalformedReplyException">The engine answered with something that is not a valid result.</exception>
    Task<AnalysisResult> AnalyzeAsync(AnalysisInput input, CancellationToken cancellationToken);
}

/// <param name="Profile">The tenant's keyword sets and checklist (stored as JSON per tenant).</param>
public sealed record AnalysisInput(string TenantId, Transcript Transcript, AnalysisProfile Profile);

public enum CustomerReaction
{
    None,
    Accepted,
    Declined,
    Undecided,
}

public enum SentimentLabel
{
    Negative,
    Neutral,
    Positive,
}

/// <param name="Offers">Every offer act found, in order (stored as <c>analyses.offered_items</c>); null = none found or an engine that does not list them.</param>
/// <param name="EngineVersion">Engine and rule-set version (<c>rules/2</c>), stored as the result's engine; null = just the engine name.</param>
/// <param name="Purchase">
/// Whether the dialogue holds a purchase-like exchange (customer buys, prices or pays; an accepted offer), backed by an
/// evidence quote of claim <c>purchase</c>; null = the engine did not judge it (stored as null, never read as "no").
/// </param>
public sealed record AnalysisResult(
    bool UpsellAttempted,
    IReadOnlyList<string> OfferedCategories,
    CustomerReaction CustomerReaction,
    IReadOnlyList<ChecklistOutcome> Checklist,
    SentimentLabel Sentiment,
    double SentimentScore,
    int QualityScore,
    string Summary,
    IReadOnlyList<EvidenceQuote> Evidence,
    IReadOnlyList<OfferedItem>? Offers = null,
    string? EngineVersion = null,
    bool? Purchase = null);

/// <summary>One offer: the item in the seller's words (verbatim), its tenant category (<c>other</c> when none fits) and the customer's answer to it.</summary>
public sealed record OfferedItem(string Item, string Category, CustomerReaction Reaction);

/// <summary>Reply that failed parsing or schema validation; the raw reply is kept for the dead-letter record.</summary>
public sealed class MalformedReplyException(string message, string rawReply, Exception? inner = null) : Exception(message, inner)
{
    public string RawReply { get; } = rawReply;
}
