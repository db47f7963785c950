using System.Text;
using System.Text.Json;
using Dapper;
using Iot.Cloud.Data.Dialogues;
using Iot.Dashboard.Data;
using Npgsql;

namespace Iot.Dashboard.Dialogues;

/// <summary>Dialogue reads and the soft delete/restore, all through <see cref="TenantDb"/>.</summary>
public sealed class DialogueQueries(TenantDb db, Audio.JoinedAudioCache joinedAudio, TimeProvider time)
{
    private const string SummaryColumns = """
        d.dialogue_id AS DialogueId, d.started_at AS StartedAt, d.ended_at AS EndedAt, d.branch_id AS BranchId,
        d.device_id AS DeviceId, d.operator_id AS OperatorId, d.transaction_id AS TransactionId, d.speech_ms AS SpeechMs,
        d.status AS Status, a.upsell_attempted AS UpsellAttempted, a.quality_score AS QualityScore, a.sentiment AS Sentiment,
        a.customer_reaction AS CustomerReaction, a.offered_categories AS OfferedCategories, a.summary AS Summary,
        d.deleted_at AS DeletedAt, d.delete_reason AS DeleteReason, a.low_confidence AS Flag,
        r.review_id IS NOT NULL AS Reviewed, r.upsell_attempted AS ReviewedUpsell, r.customer_reaction AS ReviewedReaction,
        (r.upsell_attempted <> r.machine_upsell OR r.customer_reaction <> r.machine_reaction) AS ReviewDisagrees,
        coalesce(
        """ + ReviewCorrects + """
        , false) AS ReviewCorrected
        """;

    /// <summary>
    /// The current review changed the verdict: upsell or reaction (against the values it corrected, as kept in the
    /// review), a sentiment it judged, an item of the checklist it judged, or - when it named offers - the set of offered
    /// categories. Sentiment, checklist and categories are compared with the analysis as it is now (the review keeps
    /// no copy of them). Null without a review.
    /// </summary>
    internal const string ReviewCorrects = """
        (r.review_id IS NOT NULL AND (r.upsell_attempted <> r.machine_upsell OR r.customer_reaction <> r.machine_reaction
            OR (r.sentiment IS NOT NULL AND r.sentiment IS DISTINCT FROM a.sentiment)
            OR EXISTS (SELECT 1 FROM jsonb_array_elements(r.checklist) rc JOIN jsonb_array_elements(a.checklist) ac ON ac->>'itemId' = rc->>'itemId'
                       WHERE (ac->'met') IS DISTINCT FROM (rc->'met'))
            OR (jsonb_array_length(r.offers) > 0
                AND ARRAY(SELECT DISTINCT o->>'category' FROM jsonb_array_elements(r.offers) o ORDER BY 1)
                    IS DISTINCT FROM ARRAY(SELECT DISTINCT x FROM unnest(a.offered_categories) x ORDER BY 1))))
        """;

    /// <summary>The current review (Reviews feature, migration 0051) beside the machine result; at most one per dialogue.</summary>
    private const string FromJoins = """
        FROM dialogues d LEFT JOIN analyses a ON a.dialogue_id = d.dialogue_id
        LEFT JOIN analysis_reviews r ON r.dialogue_id = d.dialogue_id AND r.superseded_at IS NULL
        """;

    /// <summary>One page in keyset order. The filter must have passed <see cref="DialogueFilter.Validate"/>.</summary>
    public async Task<DialoguePage> ListAsync(DialogueFilter filter, bool includeDeleted, CancellationToken ct)
    {
        var size = filter.EffectivePageSize;
        var rows = await db.QueryAsync<DialogueSummary>(BuildSql(filter, includeDeleted, size + 1, out var args), args, ct).ConfigureAwait(false);
        var items = rows.Take(size).ToList();
        var sort = DialogueSort.Find(filter.Sort)!;
        var next = rows.Count > size ? new DialogueCursor(sort.Name, KeyOf(items[^1], sort), items[^1].DialogueId).Encode() : null;
        return new DialoguePage(items, next, size);
    }

    /// <summary>Every matching row in list order, fetched a page at a time (for exports).</summary>
    public async IAsyncEnumerable<DialogueSummary> StreamAsync(DialogueFilter filter, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        var page = new DialogueFilter
        {
            From = filter.From, To = filter.To, Branch = filter.Branch, Device = filter.Device, Operator = filter.Operator, Upsell = filter.Upsell,
            QualityMin = filter.QualityMin, QualityMax = filter.QualityMax, Sentiment = filter.Sentiment, Reaction = filter.Reaction, ChecklistMissed = filter.ChecklistMissed, Reviewed = filter.Reviewed, Flagged = filter.Flagged,
            Category = filter.Category, Item = filter.Item, Corrected = filter.Corrected,
            Q = filter.Q, Sort = filter.Sort,
            PageSize = 500,
        };
        while (true)
        {
            var result = await ListAsync(page, includeDeleted: false, ct).ConfigureAwait(false);
            foreach (var item in result.Items)
            {
                yield return item;
            }

            if (result.NextCursor is null)
            {
                yield break;
            }

            page.Cursor = result.NextCursor;
        }
    }

    /// <summary>Null when the dialogue does not exist for this caller (another tenant, a hidden branch, or deleted for a non-admin).</summary>
    public Task<DialogueDetail?> DetailAsync(Guid id, bool includeDeleted, CancellationToken ct) =>
        db.RunAsync<DialogueDetail?>(
            async (c, tx) =>
            {
                var dialogue = await c.QuerySingleOrDefaultAsync<DialogueSummary>(new CommandDefinition(
                    $"SELECT {SummaryColumns} {FromJoins} WHERE d.dialogue_id = @id",
                    new { id },
                    tx,
                    cancellationToken: ct)).ConfigureAwait(false);
                if (dialogue is null || (dialogue.DeletedAt is not null && !includeDeleted))
                {
                    return null;
                }

                var transcript = await c.QuerySingleOrDefaultAsync<TranscriptRow>(new CommandDefinition(
                    """
                    SELECT engine AS Engine, language AS Language, text AS Text, utterances::text AS Utterances, confidence AS Confidence, low_confidence AS Flag
                    FROM transcripts WHERE dialogue_id = @id
                    """,
                    new { id },
                    tx,
                    cancellationToken: ct)).ConfigureAwait(false);
                var analysis = await c.QuerySingleOrDefaultAsync<AnalysisRow>(new CommandDefinition(
                    """
                    SELECT engine AS Engine, upsell_attempted AS UpsellAttempted, offered_categories AS OfferedCategories, customer_reaction AS CustomerReaction,
                           sentiment AS Sentiment, sentiment_score AS SentimentScore, quality_score AS QualityScore, summary AS Summary,
                           checklist::text AS Checklist, evidence::text AS Evidence
                    FROM analyses WHERE dialogue_id = @id
                    """,
                    new { id },
                    tx,
                    cancellationToken: ct)).ConfigureAwait(false);
                var segments = await c.QueryAsync<(Guid ChunkId, int StartMs, int EndMs, int OffsetMs)>(new CommandDefinition(
                    "SELECT chunk_id, start_ms, end_ms, offset_ms FROM dialogue_segments WHERE dialogue_id = @id ORDER BY offset_ms",
                    new { id },
                    tx,
                    cancellationToken: ct)).ConfigureAwait(false);
                var pending = await c.QueryAsync<PendingWork>(new CommandDefinition(
                    "SELECT kind AS Kind, status AS Status, wait_reason AS WaitReason, last_error AS LastError, updated_at AS UpdatedAt FROM iot_dialogue_pending(@id)",
                    new { id },
                    tx,
                    cancellationToken: ct)).ConfigureAwait(false);
                return new DialogueDetail(
                    dialogue,
                    transcript is { } t ? new TranscriptView(t.Engine, t.Language, t.Text, RecordJson.DeserializeUtterances(t.Utterances), t.Confidence, t.Flag) : null,
                    analysis?.ToView(),
                    segments.Select(s => new SegmentView(s.ChunkId, s.StartMs, s.EndMs, s.OffsetMs, $"/api/chunks/{s.ChunkId}/audio")).ToList(),
                    $"/api/dialogues/{id}/audio",
                    pending.AsList());
            },
            ct);

    /// <summary>Soft delete; the joined audio streams built from its chunks leave the cache at once (they are rebuilt on restore).</summary>
    public async Task<int> SoftDeleteAsync(Guid id, string reason, CancellationToken ct)
    {
        var deleted = await db.RunAsync(
            (c, tx) => DialogueDeletion.SoftDeleteAsync((NpgsqlConnection)c, (NpgsqlTransaction)tx, db.Scope.TenantId, id, db.Scope.Actor, reason, time.GetUtcNow(), ct),
            ct).ConfigureAwait(false);
        if (deleted > 0)
        {
            var chunks = await db.QueryAsync<Guid>("SELECT DISTINCT chunk_id FROM dialogue_segments WHERE dialogue_id = @id", new { id }, ct).ConfigureAwait(false);
            joinedAudio.EvictChunks([.. chunks]);
        }

        return deleted;
    }

    public Task<int> RestoreAsync(Guid id, CancellationToken ct) =>
        db.RunAsync(
            (c, tx) => DialogueDeletion.RestoreAsync((NpgsqlConnection)c, (NpgsqlTransaction)tx, db.Scope.TenantId, id, db.Scope.Actor, time.GetUtcNow(), ct),
            ct);

    private static long KeyOf(DialogueSummary row, DialogueSort sort) => sort.Name.TrimStart('-') switch
    {
        "quality" => row.QualityScore ?? -1,
        "duration" => row.SpeechMs,
        _ => (row.StartedAt.ToUniversalTime() - DateTime.UnixEpoch).Ticks / 10,
    };

    internal static string BuildSql(DialogueFilter f, bool includeDeleted, int limit, out DynamicParameters args)
    {
        var sort = DialogueSort.Find(f.Sort)!;
        var parameters = new DynamicParameters();
        args = parameters;
        var sql = new StringBuilder($"SELECT {SummaryColumns} {FromJoins} WHERE ");
        sql.Append(includeDeleted && f.Deleted == true ? "d.deleted_at IS NOT NULL" : "d.deleted_at IS NULL");

        // Only fixed fragments are appended; every value travels as a parameter.
        void And(string fragment, string name, object? value)
        {
            if (value is null)
            {
                return;
            }

            sql.Append(" AND ").Append(fragment);
            parameters.Add(name, value);
        }

        // Npgsql writes only UTC offsets to timestamptz; a caller may give any offset (drill-down links use the tenant's).
        And("d.started_at >= @from", "from", f.From?.ToUniversalTime());
        And("d.started_at < @to", "to", f.To?.ToUniversalTime());
        And("d.branch_id = @branch", "branch", NullIfEmpty(f.Branch));
        And("d.device_id = @device", "device", NullIfEmpty(f.Device));
        And("d.operator_id = @operator", "operator", NullIfEmpty(f.Operator));
        And("a.upsell_attempted = @upsell", "upsell", f.Upsell);
        And("a.quality_score >= @qualityMin", "qualityMin", f.QualityMin);
        And("a.quality_score <= @qualityMax", "qualityMax", f.QualityMax);
        And("a.sentiment = @sentiment", "sentiment", NullIfEmpty(f.Sentiment));
        And("a.customer_reaction = @reaction", "reaction", NullIfEmpty(f.Reaction));
        And("a.checklist @> jsonb_build_array(jsonb_build_object('itemId', @checklistMissed::text, 'met', false))", "checklistMissed", NullIfEmpty(f.ChecklistMissed));
        And("a.offered_categories @> ARRAY[@category::text]", "category", NullIfEmpty(f.Category?.Trim()));
        And($"EXISTS (SELECT 1 FROM jsonb_array_elements(a.offered_items) o WHERE {Opportunities.OfferedItemSql.Normalise("o->>'item'")} = {Opportunities.OfferedItemSql.Normalise("@item::text")})", "item", NullIfEmpty(f.Item));
        sql.Append(f.Corrected switch
        {
            true => " AND " + ReviewCorrects,
            false => " AND NOT coalesce(" + ReviewCorrects + ", false)",
            null => "",
        });
        sql.Append(f.Reviewed switch
        {
            "true" => " AND r.review_id IS NOT NULL",
            "false" => " AND r.review_id IS NULL",
            "disagrees" => " AND (r.upsell_attempted <> r.machine_upsell OR r.customer_reaction <> r.machine_reaction)",
            _ => "",
        });
        sql.Append(f.Flagged switch
        {
            true => " AND a.low_confidence IS NOT NULL",
            false => " AND a.low_confidence IS NULL",
            null => "",
        });
        And("EXISTS (SELECT 1 FROM transcripts t WHERE t.dialogue_id = d.dialogue_id AND t.search @@ plainto_tsquery('simple', @q))", "q", NullIfEmpty(f.Q?.Trim()));

        if (f.Cursor is not null && DialogueCursor.TryParse(f.Cursor) is { } cursor && cursor.Sort == sort.Name)
        {
            sql.Append(" AND (").Append(sort.KeySql).Append(", d.dialogue_id) ").Append(sort.Descending ? "<" : ">").Append(" (@cursorKey, @cursorId)");
            args.Add("cursorKey", sort.NumericKey ? cursor.Key : DateTime.SpecifyKind(DateTime.UnixEpoch.AddTicks(cursor.Key * 10), DateTimeKind.Utc));
            args.Add("cursorId", cursor.Id);
            if (!sort.NumericKey)
            {
                // Redundant with the row comparison, but a plain bound on the partition key lets PostgreSQL skip the
                // months the earlier pages already covered (dialogues is partitioned by started_at, migration 0041).
                sql.Append(" AND d.started_at ").Append(sort.Descending ? "<=" : ">=").Append(" @cursorKey");
            }
        }

        var direction = sort.Descending ? "DESC" : "ASC";
        sql.Append(" ORDER BY ").Append(sort.KeySql).Append(' ').Append(direction).Append(", d.dialogue_id ").Append(direction);
        sql.Append(" LIMIT @limit");
        args.Add("limit", limit);
        return sql.ToString();
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    private sealed class TranscriptRow
    {
        public string Engine { get; init; } = "";
        public string Language { get; init; } = "";
        public string Text { get; init; } = "";
        public string Utterances { get; init; } = "[]";
        public float? Confidence { get; init; }
        public string? Flag { get; init; }
    }

    private sealed class AnalysisRow
    {
        public string Engine { get; init; } = "";
        public bool UpsellAttempted { get; init; }
        public string[] OfferedCategories { get; init; } = [];
        public string CustomerReaction { get; init; } = "";
        public string Sentiment { get; init; } = "";
        public float SentimentScore { get; init; }
        public short QualityScore { get; init; }
        public string Summary { get; init; } = "";
        public string Checklist { get; init; } = "[]";
        public string Evidence { get; init; } = "[]";

        public AnalysisView ToView() => new(
            Engine, UpsellAttempted, OfferedCategories, CustomerReaction, Sentiment, SentimentScore, QualityScore, Summary,
            RecordJson.DeserializeChecklist(Checklist), RecordJson.DeserializeEvidence(Evidence));
    }
}
