using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Dapper;
using Iot.Dashboard.Data;
using Iot.Dashboard.Dialogues;

namespace Iot.Dashboard.Reviews;

/// <summary>One line of the labelled-data export, in the corpus's dialogue-line format plus a <c>review</c> block.</summary>
public sealed record CorpusLine(string Id, string Lang, string Script, string Split, string Family, string Source, IReadOnlyList<CorpusTurn> Turns, CorpusLabels Labels, CorpusReviewInfo Review);

public sealed record CorpusTurn(string Speaker, string Text, int PauseBeforeMs);

/// <summary>The corpus labels, plus the reviewer's checklist (the bench ignores it; other tools may not).</summary>
public sealed record CorpusLabels(bool Upsell, IReadOnlyList<CorpusOffer> Offers, string Reaction, string Sentiment, IReadOnlyList<ChecklistOutcome> Checklist);

public sealed record CorpusOffer(int Turn, string Item, string Category);

/// <summary>Where the labels came from. Sentiment is the reviewer's when judged, else the analyzer's (<c>SentimentSource</c>).</summary>
public sealed record CorpusReviewInfo(Guid DialogueId, long ReviewId, DateTime ReviewedAt, string AnalysisEngine, bool MachineUpsell, string MachineReaction, string SentimentSource, IReadOnlyList<string> OfferedCategories);

/// <summary>
/// Current reviews as labelled dialogues (bench/Iot.Bench.Analysis/Corpus/README.md, "Dialogue line"): one line per
/// reviewed dialogue with a transcript, turns = its utterances (the reverse of the bench's CorpusDialogue.ToTranscript),
/// speaker <c>unknown</c> (one microphone: who spoke is not known, and the bench scores from text alone). Personal
/// data stays out: no note, no reviewer, no operator.
/// </summary>
public sealed class ReviewExport(TenantDb db)
{
    public const string Split = "review";
    public const string UnknownSpeaker = "unknown";
    private const int PageSize = 500;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        // A file for tools, not a page: Cyrillic and Turkish letters stay readable as in the corpus files.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public async Task WriteAsync(DateTimeOffset? from, DateTimeOffset? to, string? branch, Stream output, CancellationToken ct)
    {
        var details = new Dictionary<string, string?>
        {
            ["format"] = "jsonl",
            ["from"] = from?.ToString("O", CultureInfo.InvariantCulture),
            ["to"] = to?.ToString("O", CultureInfo.InvariantCulture),
            ["branch"] = branch,
        };
        await db.AuditAsync(new AuditEntry(AuditActions.Export, "reviews", details.Where(d => d.Value is not null).ToDictionary(d => d.Key, d => d.Value)), ct).ConfigureAwait(false);
        await using var writer = new StreamWriter(output, new UTF8Encoding(false), 64 * 1024, leaveOpen: true) { NewLine = "\n" };
        (DateTime At, Guid Id)? after = null;
        while (true)
        {
            var rows = await db.QueryAsync<ExportRow>(Sql, new
            {
                from = from?.UtcDateTime,
                to = to?.UtcDateTime,
                branch = string.IsNullOrWhiteSpace(branch) ? null : branch,
                afterAt = after?.At,
                afterId = after?.Id,
                limit = PageSize,
            }, ct).ConfigureAwait(false);
            foreach (var row in rows)
            {
                await writer.WriteLineAsync(JsonSerializer.Serialize(row.ToLine(), Json)).ConfigureAwait(false);
            }

            if (rows.Count < PageSize)
            {
                break;
            }

            after = (rows[^1].StartedAt, rows[^1].DialogueId);
        }

        await writer.FlushAsync(ct).ConfigureAwait(false);
    }

    // Keyset pages in dialogue order; d.started_at = r.dialogue_started_at lets PostgreSQL probe one month of dialogues.
    private const string Sql = """
        SELECT r.review_id AS ReviewId, r.dialogue_id AS DialogueId, r.dialogue_started_at AS StartedAt, r.upsell_attempted AS Upsell,
               r.customer_reaction AS Reaction, r.checklist::text AS Checklist, r.offers::text AS Offers, r.sentiment AS Sentiment,
               r.reviewed_at AS ReviewedAt, r.analysis_engine AS AnalysisEngine, r.machine_upsell AS MachineUpsell,
               r.machine_reaction AS MachineReaction, a.sentiment AS MachineSentiment, t.language AS Language, t.utterances::text AS Utterances
        FROM analysis_reviews r
        JOIN dialogues d ON d.dialogue_id = r.dialogue_id AND d.started_at = r.dialogue_started_at AND d.deleted_at IS NULL
        JOIN transcripts t ON t.dialogue_id = r.dialogue_id
        LEFT JOIN analyses a ON a.dialogue_id = r.dialogue_id
        WHERE r.superseded_at IS NULL
          AND (@from::timestamptz IS NULL OR r.dialogue_started_at >= @from)
          AND (@to::timestamptz IS NULL OR r.dialogue_started_at < @to)
          AND (@branch::text IS NULL OR r.branch_id = @branch)
          AND (@afterAt::timestamptz IS NULL OR (r.dialogue_started_at, r.dialogue_id) > (@afterAt, @afterId::uuid))
        ORDER BY r.dialogue_started_at, r.dialogue_id
        LIMIT @limit
        """;

    /// <summary>The corpus's script code: Cyrillic if any letter is Cyrillic, else Latin (the corpus has no other).</summary>
    internal static string ScriptOf(IEnumerable<string> texts) =>
        texts.Any(t => t.Any(ch => ch is >= '\u0400' and <= '\u04FF')) ? "cyrl" : "latn";

    /// <summary>Turns from utterances: the pause before a turn is the silence since the previous one ended.</summary>
    internal static List<CorpusTurn> TurnsOf(IReadOnlyList<Utterance> utterances)
    {
        var turns = new List<CorpusTurn>(utterances.Count);
        for (var i = 0; i < utterances.Count; i++)
        {
            var pause = i == 0 ? 0 : Math.Max(0, utterances[i].StartMs - utterances[i - 1].EndMs);
            turns.Add(new CorpusTurn(UnknownSpeaker, utterances[i].Text, pause));
        }

        return turns;
    }

    private sealed class ExportRow
    {
        public long ReviewId { get; init; }
        public Guid DialogueId { get; init; }
        public DateTime StartedAt { get; init; }
        public bool Upsell { get; init; }
        public string Reaction { get; init; } = "";
        public string Checklist { get; init; } = "[]";
        public string Offers { get; init; } = "[]";
        public string? Sentiment { get; init; }
        public DateTime ReviewedAt { get; init; }
        public string AnalysisEngine { get; init; } = "";
        public bool MachineUpsell { get; init; }
        public string MachineReaction { get; init; } = "";
        public string? MachineSentiment { get; init; }
        public string Language { get; init; } = "";
        public string Utterances { get; init; } = "[]";

        public CorpusLine ToLine()
        {
            var utterances = RecordJson.DeserializeUtterances(Utterances);
            var offers = JsonSerializer.Deserialize<List<ReviewOffer>>(Offers, DialogueJson.Options) ?? [];
            var lang = string.IsNullOrEmpty(Language) ? "und" : Language;
            return new CorpusLine(
                $"{lang}-r-{DialogueId:n}",
                lang,
                ScriptOf(utterances.Select(u => u.Text)),
                Split,
                Split,
                Split,
                TurnsOf(utterances),
                new CorpusLabels(
                    Upsell,
                    [.. offers.Where(o => o.Turn is not null && o.Item is not null).Select(o => new CorpusOffer(o.Turn!.Value, o.Item!, o.Category!))],
                    Reaction,
                    Sentiment ?? MachineSentiment ?? "neutral",
                    RecordJson.DeserializeChecklist(Checklist)),
                new CorpusReviewInfo(
                    DialogueId, ReviewId, ReviewedAt, AnalysisEngine, MachineUpsell, MachineReaction, Sentiment is not null ? "review" : MachineSentiment is not null ? "machine" : "none",
                    [.. offers.Select(o => o.Category!).Distinct(StringComparer.Ordinal)]));
        }
    }
}
