using System.Text.Json;
using Dapper;
using Iot.Cloud.Pipeline.Transcription;
using Npgsql;

namespace Iot.Cloud.Pipeline.Analysis;

internal static class AnalysisStore
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static async Task<DialogueForAnalysis?> LoadAsync(NpgsqlConnection c, Guid dialogueId, CancellationToken ct)
    {
        var row = await c.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(
            """
            SELECT d.tenant_id AS TenantId, d.status AS Status, t.engine AS Engine, t.language AS Language,
                   t.utterances::text AS Utterances, s.analysis_profile::text AS Profile,
                   s.analysis_profile_version AS ProfileVersion, d.deleted_at IS NOT NULL AS Deleted,
                   a.profile_version AS StoredProfileVersion
            FROM dialogues d
            LEFT JOIN transcripts t ON t.dialogue_id = d.dialogue_id
            LEFT JOIN tenant_settings s ON s.tenant_id = d.tenant_id
            LEFT JOIN analyses a ON a.dialogue_id = d.dialogue_id
            WHERE d.dialogue_id = @dialogueId
            """,
            new { dialogueId }, cancellationToken: ct)).ConfigureAwait(false);
        if (row is null)
        {
            return null;
        }

        var transcript = row.Engine is null ? null : new Transcript(row.Engine, row.Language!, RecordJson.DeserializeUtterances(row.Utterances!));
        // A profile written before 0052 (or by a writer the trigger did not see) has no version: it counts as version 1.
        var profile = row.Profile is null ? null : AnalysisProfile.FromJson(row.Profile);
        return new DialogueForAnalysis(row.TenantId, row.Status, transcript, profile, profile is null ? 0 : row.ProfileVersion ?? 1, row.Deleted, row.StoredProfileVersion);
    }

    /// <summary>One stored version of the tenant's profile; null when the tenant has no such version.</summary>
    public static async Task<AnalysisProfile?> LoadVersionAsync(NpgsqlConnection c, string tenantId, int version, CancellationToken ct)
    {
        var json = await c.QuerySingleOrDefaultAsync<string>(new CommandDefinition(
            "SELECT profile::text FROM analysis_profile_versions WHERE tenant_id = @tenantId AND version = @version",
            new { tenantId, version },
            cancellationToken: ct)).ConfigureAwait(false);
        return json is null ? null : AnalysisProfile.FromJson(json);
    }

    /// <summary>
    /// Stores the result (replacing an earlier one: re-analysis after a profile change) with the engine and profile
    /// version that produced it, and marks the dialogue analysed. A flagged transcript (low confidence, unexpected
    /// language) flags the analysis too, so the overview can leave it out of its figures. Offered items and the purchase
    /// verdict are replaced too: a re-analysis by an engine that does not judge purchase stores null, not the old verdict.
    /// </summary>
    public static async Task SaveAsync(NpgsqlConnection c, NpgsqlTransaction tx, Guid dialogueId, string engine, int profileVersion, VerifiedAnalysis verified, DateTime now, CancellationToken ct)
    {
        var r = verified.Result;
        await c.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO analyses (dialogue_id, engine, profile_version, upsell_attempted, offered_categories, customer_reaction, checklist, sentiment,
                                  sentiment_score, quality_score, summary, evidence, dropped_quotes, low_confidence, created_at, offered_items, purchase)
            VALUES (@dialogueId, @engine, @profileVersion, @upsell, @categories, @reaction, @checklist::jsonb, @sentiment,
                    @score, @quality, @summary, @evidence::jsonb, @dropped,
                    (SELECT t.low_confidence FROM transcripts t WHERE t.dialogue_id = @dialogueId), @now, @items::jsonb, @purchase)
            ON CONFLICT (dialogue_id) DO UPDATE SET engine = EXCLUDED.engine, profile_version = EXCLUDED.profile_version,
                upsell_attempted = EXCLUDED.upsell_attempted, offered_categories = EXCLUDED.offered_categories,
                customer_reaction = EXCLUDED.customer_reaction, checklist = EXCLUDED.checklist, sentiment = EXCLUDED.sentiment,
                sentiment_score = EXCLUDED.sentiment_score, quality_score = EXCLUDED.quality_score, summary = EXCLUDED.summary,
                evidence = EXCLUDED.evidence, dropped_quotes = EXCLUDED.dropped_quotes, low_confidence = EXCLUDED.low_confidence,
                created_at = EXCLUDED.created_at, offered_items = EXCLUDED.offered_items, purchase = EXCLUDED.purchase;
            UPDATE dialogues SET status = 'analyzed', updated_at = @now WHERE dialogue_id = @dialogueId;
            """,
            new
            {
                dialogueId,
                engine,
                profileVersion,
                upsell = r.UpsellAttempted,
                categories = r.OfferedCategories.ToArray(),
                reaction = r.CustomerReaction.ToString().ToLowerInvariant(),
                checklist = RecordJson.SerializeChecklist(r.Checklist),
                sentiment = r.Sentiment.ToString().ToLowerInvariant(),
                score = (float)r.SentimentScore,
                quality = (short)r.QualityScore,
                summary = r.Summary,
                evidence = RecordJson.SerializeEvidence(r.Evidence),
                dropped = verified.DroppedQuotes,
                items = RecordJson.SerializeOfferedItems((r.Offers ?? []).Select(o => new OfferedItemRecord(o.Item, o.Category, ReactionText(o.Reaction)))),
                purchase = r.Purchase,
                now,
            },
            tx, cancellationToken: ct)).ConfigureAwait(false);
    }

    /// <summary>An offer always has an answer state; "none" (no reply found) is stored as undecided, as the column documents.</summary>
    private static string ReactionText(CustomerReaction reaction) => reaction switch
    {
        CustomerReaction.Accepted => "accepted",
        CustomerReaction.Declined => "declined",
        _ => "undecided",
    };

    private sealed record Row(string TenantId, string Status, string? Engine, string? Language, string? Utterances, string? Profile, int? ProfileVersion, bool Deleted, int? StoredProfileVersion);
}

/// <param name="ProfileVersion">Version of <paramref name="TenantProfile"/>; 0 when the tenant has none (the default applies).</param>
/// <param name="StoredProfileVersion">Profile version of the result already stored, if any.</param>
internal sealed record DialogueForAnalysis(string TenantId, string Status, Transcript? Transcript, AnalysisProfile? TenantProfile, int ProfileVersion, bool Deleted, int? StoredProfileVersion);
