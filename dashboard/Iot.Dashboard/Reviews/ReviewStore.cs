using System.Data;
using System.Text.Json;
using Dapper;
using Iot.Dashboard.Data;
using Iot.Dashboard.Dialogues;
using Npgsql;

namespace Iot.Dashboard.Reviews;

/// <summary>Outcome of saving a review: exactly one of the members is set.</summary>
internal sealed record ReviewSaveResult(ReviewView? Saved = null, Dictionary<string, string[]>? Errors = null, string? Conflict = null, bool NotFound = false);

/// <summary>
/// Reviews of dialogues (table analysis_reviews, migration 0051), through <see cref="TenantDb"/>: row security decides
/// which dialogues the caller may see and so review. A new review supersedes the current one in the same transaction as
/// its audit row.
/// </summary>
public sealed partial class ReviewStore(TenantDb db, TimeProvider time, ILogger<ReviewStore> logger)
{
    internal const string Columns = """
        r.review_id AS ReviewId, r.dialogue_id AS DialogueId, r.upsell_attempted AS Upsell, r.customer_reaction AS Reaction,
        r.checklist::text AS Checklist, r.offers::text AS Offers, r.sentiment AS Sentiment, r.note AS Note, r.reviewer AS Reviewer,
        r.reviewed_at AS ReviewedAt, r.analysis_engine AS AnalysisEngine, r.analysis_created_at AS AnalysisCreatedAt,
        r.machine_upsell AS MachineUpsell, r.machine_reaction AS MachineReaction, r.superseded_at AS SupersededAt
        """;

    /// <summary>Null when the dialogue is not there for this caller (another tenant or branch, or deleted for a non-admin).</summary>
    public Task<DialogueReviews?> GetAsync(Guid id, bool includeDeleted, CancellationToken ct) =>
        db.RunAsync<DialogueReviews?>(
            async (c, tx) =>
            {
                var visible = await c.ExecuteScalarAsync<bool>(new CommandDefinition(
                    "SELECT EXISTS (SELECT 1 FROM dialogues WHERE dialogue_id = @id AND (deleted_at IS NULL OR @includeDeleted))",
                    new { id, includeDeleted },
                    tx,
                    cancellationToken: ct)).ConfigureAwait(false);
                if (!visible)
                {
                    return null;
                }

                var rows = await c.QueryAsync<ReviewRow>(new CommandDefinition(
                    $"SELECT {Columns} FROM analysis_reviews r WHERE r.dialogue_id = @id ORDER BY r.review_id DESC", new { id }, tx, cancellationToken: ct)).ConfigureAwait(false);
                var history = rows.Select(r => r.ToView()).ToList();
                return new DialogueReviews(history.FirstOrDefault(r => r.SupersededAt is null), history);
            },
            ct);

    internal async Task<ReviewSaveResult> SaveAsync(Guid id, ReviewRequest request, CancellationToken ct)
    {
        try
        {
            return await db.RunAsync((c, tx) => SaveInAsync(c, tx, id, request, ct), ct).ConfigureAwait(false);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation && ex.ConstraintName == "analysis_reviews_current")
        {
            // Another reviewer's save committed between our supersede and insert; theirs stands, this one is not stored.
            LogConcurrentReview(logger, id);
            return new ReviewSaveResult(Conflict: "another review of this dialogue was saved at the same moment; reload and review again");
        }
    }

    private async Task<ReviewSaveResult> SaveInAsync(IDbConnection c, IDbTransaction tx, Guid id, ReviewRequest request, CancellationToken ct)
    {
        var row = await c.QuerySingleOrDefaultAsync<TargetRow>(new CommandDefinition(
            """
            SELECT d.dialogue_id AS DialogueId, d.tenant_id AS TenantId, d.branch_id AS BranchId, d.started_at AS StartedAt,
                   a.engine AS Engine, a.created_at AS AnalysisCreatedAt, a.upsell_attempted AS MachineUpsell,
                   a.customer_reaction AS MachineReaction, a.checklist::text AS Checklist, t.utterances::text AS Utterances
            FROM dialogues d
            LEFT JOIN analyses a ON a.dialogue_id = d.dialogue_id
            LEFT JOIN transcripts t ON t.dialogue_id = d.dialogue_id
            WHERE d.dialogue_id = @id AND d.deleted_at IS NULL
            """,
            new { id },
            tx,
            cancellationToken: ct)).ConfigureAwait(false);
        if (row is null)
        {
            return new ReviewSaveResult(NotFound: true);
        }

        if (row.Engine is null)
        {
            return new ReviewSaveResult(Conflict: "the dialogue has no machine analysis yet; there is nothing to correct");
        }

        var target = row.ToTarget();
        var (draft, errors) = ReviewValidator.Validate(request, target);
        if (draft is null)
        {
            return new ReviewSaveResult(Errors: errors);
        }

        var now = time.GetUtcNow();
        var previous = await c.QuerySingleOrDefaultAsync<long?>(new CommandDefinition(
            "UPDATE analysis_reviews SET superseded_at = @now WHERE dialogue_id = @id AND superseded_at IS NULL RETURNING review_id",
            new { id, now },
            tx,
            cancellationToken: ct)).ConfigureAwait(false);
        var reviewId = await c.ExecuteScalarAsync<long>(new CommandDefinition(
            """
            INSERT INTO analysis_reviews (dialogue_id, tenant_id, branch_id, dialogue_started_at, upsell_attempted, customer_reaction, checklist,
                                          offers, sentiment, note, reviewer_id, reviewer, reviewed_at, analysis_engine, analysis_created_at,
                                          machine_upsell, machine_reaction)
            VALUES (@id, @TenantId, @BranchId, @StartedAt, @upsell, @reaction, @checklist::jsonb, @offers::jsonb, @sentiment, @note,
                    @reviewerId, @reviewer, @now, @Engine, @AnalysisCreatedAt, @MachineUpsell, @MachineReaction)
            RETURNING review_id
            """,
            new
            {
                id,
                target.TenantId,
                target.BranchId,
                target.StartedAt,
                upsell = draft.Upsell,
                reaction = draft.Reaction,
                checklist = JsonSerializer.Serialize(draft.Checklist, DialogueJson.Options),
                offers = JsonSerializer.Serialize(draft.Offers, DialogueJson.Options),
                sentiment = draft.Sentiment,
                note = draft.Note,
                reviewerId = Guid.Parse(db.Scope.UserId),
                reviewer = db.Scope.Actor,
                now,
                target.Engine,
                target.AnalysisCreatedAt,
                target.MachineUpsell,
                target.MachineReaction,
            },
            tx,
            cancellationToken: ct)).ConfigureAwait(false);
        if (previous is { } old)
        {
            await c.ExecuteAsync(new CommandDefinition("UPDATE analysis_reviews SET superseded_by = @reviewId WHERE review_id = @old", new { reviewId, old }, tx, cancellationToken: ct)).ConfigureAwait(false);
        }

        await AuditLog.WriteAsync(c, tx, Audit(id, reviewId, previous, target, draft).For(db.Scope.TenantId, db.Scope.Actor), at: null, ct).ConfigureAwait(false);
        var saved = await c.QuerySingleAsync<ReviewRow>(new CommandDefinition($"SELECT {Columns} FROM analysis_reviews r WHERE r.review_id = @reviewId", new { reviewId }, tx, cancellationToken: ct)).ConfigureAwait(false);
        LogReviewSaved(logger, reviewId, id, db.Scope.Actor);
        return new ReviewSaveResult(Saved: saved.ToView());
    }

    private static AuditEntry Audit(Guid id, long reviewId, long? previous, ReviewTarget target, ReviewDraft draft) =>
        new(AuditActions.AnalysisReviewed, id.ToString(), new Dictionary<string, string?>
        {
            ["review"] = reviewId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["supersedes"] = previous?.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["engine"] = target.Engine,
            ["upsell"] = $"{Yes(target.MachineUpsell)} -> {Yes(draft.Upsell)}",
            ["reaction"] = $"{target.MachineReaction} -> {draft.Reaction}",
            ["checklist"] = JsonSerializer.Serialize(draft.Checklist, DialogueJson.Options),
            ["note"] = draft.Note,
        });

    private static string Yes(bool value) => value ? "yes" : "no";

    [LoggerMessage(Level = LogLevel.Information, Message = "Review {ReviewId} of dialogue {DialogueId} saved by {Actor}")]
    private static partial void LogReviewSaved(ILogger logger, long reviewId, Guid dialogueId, string actor);

    [LoggerMessage(Level = LogLevel.Information, Message = "Review of dialogue {DialogueId} not stored: another review was saved at the same moment")]
    private static partial void LogConcurrentReview(ILogger logger, Guid dialogueId);

    internal sealed class ReviewRow
    {
        public long ReviewId { get; init; }
        public Guid DialogueId { get; init; }
        public bool Upsell { get; init; }
        public string Reaction { get; init; } = "";
        public string Checklist { get; init; } = "[]";
        public string Offers { get; init; } = "[]";
        public string? Sentiment { get; init; }
        public string Note { get; init; } = "";
        public string Reviewer { get; init; } = "";
        public DateTime ReviewedAt { get; init; }
        public string AnalysisEngine { get; init; } = "";
        public DateTime AnalysisCreatedAt { get; init; }
        public bool MachineUpsell { get; init; }
        public string MachineReaction { get; init; } = "";
        public DateTime? SupersededAt { get; init; }

        public ReviewView ToView() => new(
            ReviewId, DialogueId, Upsell, Reaction,
            RecordJson.DeserializeChecklist(Checklist),
            JsonSerializer.Deserialize<List<ReviewOffer>>(Offers, DialogueJson.Options) ?? [],
            Sentiment, Note, Reviewer, ReviewedAt, AnalysisEngine, AnalysisCreatedAt, MachineUpsell, MachineReaction, SupersededAt);
    }

    private sealed class TargetRow
    {
        public Guid DialogueId { get; init; }
        public string TenantId { get; init; } = "";
        public string? BranchId { get; init; }
        public DateTime StartedAt { get; init; }
        public string? Engine { get; init; }
        public DateTime AnalysisCreatedAt { get; init; }
        public bool MachineUpsell { get; init; }
        public string MachineReaction { get; init; } = "";
        public string Checklist { get; init; } = "[]";
        public string? Utterances { get; init; }

        public ReviewTarget ToTarget() => new(
            DialogueId, TenantId, BranchId, StartedAt, Engine!, AnalysisCreatedAt, MachineUpsell, MachineReaction,
            [.. RecordJson.DeserializeChecklist(Checklist).Select(i => i.ItemId)],
            Utterances is null ? [] : [.. RecordJson.DeserializeUtterances(Utterances).Select(u => u.Text)]);
    }
}
