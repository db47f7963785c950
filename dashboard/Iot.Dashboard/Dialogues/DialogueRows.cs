using System.Text.Json;

namespace Iot.Dashboard.Dialogues;

public sealed class DialogueSummary
{
    public Guid DialogueId { get; init; }
    public DateTime StartedAt { get; init; }
    public DateTime EndedAt { get; init; }
    public string? BranchId { get; init; }
    public string DeviceId { get; init; } = "";
    public string? OperatorId { get; init; }
    public string? TransactionId { get; init; }
    public int SpeechMs { get; init; }
    public string Status { get; init; } = "";
    public bool? UpsellAttempted { get; init; }
    public int? QualityScore { get; init; }
    public string? Sentiment { get; init; }
    public string? CustomerReaction { get; init; }
    public string[]? OfferedCategories { get; init; }
    public string? Summary { get; init; }
    public DateTime? DeletedAt { get; init; }
    public string? DeleteReason { get; init; }

    /// <summary>Why the analysis is not to be trusted (its transcript was flagged, migration 0053); null = fine.</summary>
    public string? Flag { get; init; }

    /// <summary>Whether a reviewer corrected (or confirmed) the analysis; the Reviewed* values are the current review's.</summary>
    public bool Reviewed { get; init; }
    public bool? ReviewedUpsell { get; init; }
    public string? ReviewedReaction { get; init; }

    /// <summary>The review changed the upsell answer or the reaction of the analysis it corrected.</summary>
    public bool? ReviewDisagrees { get; init; }

    /// <summary>The review changed any verdict of the analysis (see the dialogue list's <c>corrected</c> filter).</summary>
    public bool ReviewCorrected { get; init; }
}

public sealed record DialoguePage(IReadOnlyList<DialogueSummary> Items, string? NextCursor, int PageSize);

/// <param name="Confidence">The recogniser's own confidence 0..1, where the engine reports one.</param>
/// <param name="Flag">Why the transcript is flagged (low confidence, a language not spoken there); null = fine.</param>
public sealed record TranscriptView(string Engine, string Language, string Text, IReadOnlyList<Utterance> Utterances, float? Confidence = null, string? Flag = null);

/// <summary>Unfinished (or dead) pipeline work for a dialogue: why it is not transcribed or analysed yet.</summary>
public sealed class PendingWork
{
    public string Kind { get; init; } = "";
    public string Status { get; init; } = "";
    public string? WaitReason { get; init; }
    public string? LastError { get; init; }
    public DateTime UpdatedAt { get; init; }
}

public sealed record AnalysisView(
    string Engine,
    bool UpsellAttempted,
    IReadOnlyList<string> OfferedCategories,
    string CustomerReaction,
    string Sentiment,
    double SentimentScore,
    int QualityScore,
    string Summary,
    IReadOnlyList<ChecklistOutcome> Checklist,
    IReadOnlyList<EvidenceQuote> Evidence);

/// <summary>A stretch of one chunk's audio placed at <c>OffsetMs</c> on the dialogue timeline (transcript times use it).</summary>
public sealed record SegmentView(Guid ChunkId, int StartMs, int EndMs, int OffsetMs, string AudioUrl);

public sealed record DialogueDetail(DialogueSummary Dialogue, TranscriptView? Transcript, AnalysisView? Analysis, IReadOnlyList<SegmentView> Segments, string AudioUrl, IReadOnlyList<PendingWork>? Pending = null);

internal static class DialogueJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);
}
