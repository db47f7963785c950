using Microsoft.AspNetCore.Mvc;

namespace Iot.Dashboard.Dialogues;

/// <summary>Query-string filters of the dialogue list, the reports and the list page. Validated before any SQL runs.</summary>
public sealed class DialogueFilter
{
    public const int DefaultPageSize = 25;
    public const int MaxPageSize = 100;
    public const int MaxSearchLength = 200;

    public static readonly IReadOnlyList<string> Sentiments = ["negative", "neutral", "positive"];

    public static readonly IReadOnlyList<string> Reactions = ["none", "accepted", "declined", "undecided"];

    public const int MaxChecklistItemLength = 100;

    public const int MaxCategoryLength = 100;

    public const int MaxItemLength = 200;

    /// <summary>Values of <see cref="Reviewed"/>: reviewed, not reviewed, or reviewed with a changed upsell or reaction.</summary>
    public static readonly IReadOnlyList<string> ReviewStates = ["true", "false", "disagrees"];

    [FromQuery] public DateTimeOffset? From { get; set; }
    [FromQuery] public DateTimeOffset? To { get; set; }
    [FromQuery] public string? Branch { get; set; }
    [FromQuery] public string? Device { get; set; }
    [FromQuery] public string? Operator { get; set; }
    [FromQuery] public bool? Upsell { get; set; }
    [FromQuery] public int? QualityMin { get; set; }
    [FromQuery] public int? QualityMax { get; set; }
    [FromQuery] public string? Sentiment { get; set; }

    /// <summary>The analysis's customer reaction, one of <see cref="Reactions"/> (drill-down from the acceptance rate).</summary>
    [FromQuery] public string? Reaction { get; set; }

    /// <summary>A checklist item id: only dialogues whose analysis judged that item and found it missed (drill-down from compliance).</summary>
    [FromQuery] public string? ChecklistMissed { get; set; }

    /// <summary>One of <see cref="ReviewStates"/>: by the dialogue's current review (table analysis_reviews).</summary>
    [FromQuery] public string? Reviewed { get; set; }

    /// <summary>An offer category: only dialogues whose analysis offered something of it (offered_categories contains it).</summary>
    [FromQuery] public string? Category { get; set; }

    /// <summary>
    /// An offered item: only dialogues whose analysis has an offer in these words (offered_items[*].item, compared
    /// case-folded and trimmed, as the Opportunities page's top-items table groups them).
    /// </summary>
    [FromQuery] public string? Item { get; set; }

    /// <summary>
    /// True: only dialogues whose current review changed the analysis's verdict (upsell, reaction, a judged sentiment,
    /// a judged checklist item, or the offered categories when the reviewer named offers); false: all others (not
    /// reviewed, or reviewed and confirmed). Wider than <c>reviewed=disagrees</c>, which compares upsell and reaction only.
    /// </summary>
    [FromQuery] public bool? Corrected { get; set; }

    /// <summary>True: only dialogues whose analysis is flagged (unsure transcript); false: only unflagged ones.</summary>
    [FromQuery] public bool? Flagged { get; set; }

    /// <summary>Words to find in transcripts (all of them, PostgreSQL 'simple' configuration).</summary>
    [FromQuery] public string? Q { get; set; }

    /// <summary>One of <see cref="DialogueSort.Allowed"/>.</summary>
    [FromQuery] public string? Sort { get; set; }

    [FromQuery] public string? Cursor { get; set; }
    [FromQuery] public int? PageSize { get; set; }

    /// <summary>Admins only: list soft-deleted dialogues instead (to restore them).</summary>
    [FromQuery] public bool? Deleted { get; set; }

    public int EffectivePageSize => PageSize ?? DefaultPageSize;

    /// <summary>Problems keyed by parameter name, for a problem-details 400; empty when the filter is usable.</summary>
    public Dictionary<string, string[]> Validate()
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (PageSize is < 1 or > MaxPageSize)
        {
            errors["pageSize"] = [$"pageSize must be 1..{MaxPageSize}"];
        }

        if (QualityMin is < 0 or > 100)
        {
            errors["qualityMin"] = ["qualityMin must be 0..100"];
        }

        if (QualityMax is < 0 or > 100)
        {
            errors["qualityMax"] = ["qualityMax must be 0..100"];
        }

        if (QualityMin > QualityMax)
        {
            errors["qualityMin"] = ["qualityMin must not exceed qualityMax"];
        }

        if (From > To)
        {
            errors["from"] = ["from must not be after to"];
        }

        if (Sentiment is not null && !Sentiments.Contains(Sentiment))
        {
            errors["sentiment"] = [$"sentiment must be one of {string.Join(", ", Sentiments)}"];
        }

        if (Reaction is not null && !Reactions.Contains(Reaction))
        {
            errors["reaction"] = [$"reaction must be one of {string.Join(", ", Reactions)}"];
        }

        if (ChecklistMissed?.Length > MaxChecklistItemLength)
        {
            errors["checklistMissed"] = [$"checklistMissed must be at most {MaxChecklistItemLength} characters"];
        }

        if (Category?.Length > MaxCategoryLength)
        {
            errors["category"] = [$"category must be at most {MaxCategoryLength} characters"];
        }

        if (Item?.Length > MaxItemLength)
        {
            errors["item"] = [$"item must be at most {MaxItemLength} characters"];
        }

        if (Reviewed is not null && !ReviewStates.Contains(Reviewed))
        {
            errors["reviewed"] = [$"reviewed must be one of {string.Join(", ", ReviewStates)}"];
        }

        if (Q?.Length > MaxSearchLength)
        {
            errors["q"] = [$"q must be at most {MaxSearchLength} characters"];
        }

        if (DialogueSort.Find(Sort) is null)
        {
            errors["sort"] = [$"sort must be one of {string.Join(", ", DialogueSort.Allowed.Select(s => s.Name))}"];
        }
        else if (Cursor is not null && DialogueCursor.TryParse(Cursor) is null)
        {
            errors["cursor"] = ["cursor is not one this API issued"];
        }

        return errors;
    }
}
