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
                   d.deleted_at IS NOT NULL AS Deleted
            FROM dialogues d
            LEFT JOIN transcripts t ON t.dialogue_id = d.dialogue_id
            LEFT JOIN tenant_settings s ON s.tenant_id = d.tenant_id
            WHERE d.dialogue_id = @dialogueId
            """,
            new { dialogueId }, cancellationToken: ct)).ConfigureAwait(false);
        if (row is null)
        {
            return null;
        }

        var transcript = row.Engine is null ? null : new Transcript(row.Engine, row.Language!, TranscriptJson.DeserializeUtterances(row.Utterances!));
        return new DialogueForAnalysis(row.TenantId, row.Status, transcript, row.Profile is null ? null : AnalysisProfile.FromJson(row.Profile), row.Deleted);
    }

    public static async Task SaveAsync(NpgsqlConnection c, NpgsqlTransaction tx, Guid dialogueId, string engine, VerifiedAnalysis verified, DateTime now, CancellationToken ct)
    {
        var r = verified.Result;
        await c.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO analyses (dialogue_id, engine, upsell_attempted, offered_categories, customer_reaction, checklist, sentiment,
                                  sentiment_score, quality_score, summary, evidence, dropped_quotes, created_at)
            VALUES (@dialogueId, @engine, @upsell, @categories, @reaction, @checklist::jsonb, @sentiment,
                    @score, @quality, @summary, @evidence::jsonb, @dropped, @now);
            UPDATE dialogues SET status = 'analyzed', updated_at = @now WHERE dialogue_id = @dialogueId;
            """,
            new
            {
                dialogueId,
                engine,
                upsell = r.UpsellAttempted,
                categories = r.OfferedCategories.ToArray(),
                reaction = r.CustomerReaction.ToString().ToLowerInvariant(),
                checklist = JsonSerializer.Serialize(r.Checklist.Select(i => new { itemId = i.ItemId, met = i.Met }), Json),
                sentiment = r.Sentiment.ToString().ToLowerInvariant(),
                score = (float)r.SentimentScore,
                quality = (short)r.QualityScore,
                summary = r.Summary,
                evidence = JsonSerializer.Serialize(r.Evidence.Select(e => new { claim = e.Claim, quote = e.Quote }), Json),
                dropped = verified.DroppedQuotes,
                now,
            },
            tx, cancellationToken: ct)).ConfigureAwait(false);
    }

    private sealed record Row(string TenantId, string Status, string? Engine, string? Language, string? Utterances, string? Profile, bool Deleted);
}

internal sealed record DialogueForAnalysis(string TenantId, string Status, Transcript? Transcript, AnalysisProfile? TenantProfile, bool Deleted);
