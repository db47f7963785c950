using Dapper;
using Iot.Cloud.Pipeline.Audio;
using Npgsql;

namespace Iot.Cloud.Pipeline.Transcription;

/// <summary>Reads what transcription needs about a dialogue and stores its transcript.</summary>
internal static class TranscriptStore
{
    public static async Task<DialogueForTranscription?> LoadAsync(NpgsqlConnection c, Guid dialogueId, CancellationToken ct)
    {
        var head = await c.QuerySingleOrDefaultAsync<Head>(new CommandDefinition(
            """
            SELECT d.tenant_id AS TenantId, d.status AS Status, d.deleted_at IS NOT NULL AS Deleted, l.languages AS SpokenLanguages, l.level AS SpokenLevel
            FROM dialogues d
            LEFT JOIN tenant_settings s ON s.tenant_id = d.tenant_id
            LEFT JOIN device_configs dc ON dc.device_id = d.device_id
            LEFT JOIN branch_settings bs ON bs.branch_id = d.branch_id AND bs.tenant_id = d.tenant_id
            LEFT JOIN LATERAL (
                -- The nearest level that is set wins (migration 0053): device desired config, branch, tenant, the
                -- tenant's older single transcription language.
                SELECT v.languages, v.level FROM (VALUES
                    (1, CASE WHEN jsonb_typeof(dc.desired -> 'spokenLanguages') = 'array' AND jsonb_array_length(dc.desired -> 'spokenLanguages') > 0
                             THEN ARRAY(SELECT jsonb_array_elements_text(dc.desired -> 'spokenLanguages')) END, 'device'),
                    (2, bs.spoken_languages, 'branch'),
                    (3, s.spoken_languages, 'tenant'),
                    (4, CASE WHEN s.transcription_language IS NOT NULL THEN ARRAY[s.transcription_language] END, 'tenant')) v(rank, languages, level)
                WHERE v.languages IS NOT NULL ORDER BY v.rank LIMIT 1) l ON true
            WHERE d.dialogue_id = @dialogueId
            """,
            new { dialogueId }, cancellationToken: ct)).ConfigureAwait(false);
        if (head is null)
        {
            return null;
        }

        var segments = await c.QueryAsync<SegmentRow>(new CommandDefinition(
            """
            SELECT ds.chunk_id AS ChunkId, ds.start_ms AS StartMs, ds.end_ms AS EndMs, ch.duration_ms AS DurationMs,
                   ch.storage_path AS StoragePath, ch.device_transcript::text AS DeviceTranscript
            FROM dialogue_segments ds JOIN chunks ch ON ch.chunk_id = ds.chunk_id
            WHERE ds.dialogue_id = @dialogueId
            ORDER BY ds.offset_ms, ds.chunk_id, ds.start_ms
            """,
            new { dialogueId }, cancellationToken: ct)).ConfigureAwait(false);
        var sources = segments.Select(s => (Source: new SegmentSource(new TimelineSegment(s.ChunkId, s.StartMs, s.EndMs, s.DurationMs), s.StoragePath), s.DeviceTranscript)).ToList();
        var transcripts = new Dictionary<Guid, string>();
        foreach (var (source, transcript) in sources)
        {
            if (transcript is not null)
            {
                transcripts[source.Segment.ChunkId] = transcript;
            }
        }

        var spoken = new SpokenLanguages(head.SpokenLanguages ?? [], head.SpokenLevel);
        return new DialogueForTranscription(dialogueId, head.TenantId, head.Status, spoken, [.. sources.Select(s => s.Source)], transcripts, head.Deleted);
    }

    /// <param name="flag">Why the transcript is not to be trusted (low confidence, a language nobody here speaks); null = fine.</param>
    public static async Task SaveAsync(NpgsqlConnection c, NpgsqlTransaction tx, Guid dialogueId, Transcript transcript, string? flag, DateTime now, CancellationToken ct) =>
        await c.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO transcripts (dialogue_id, engine, language, text, utterances, confidence, low_confidence, created_at)
            VALUES (@dialogueId, @engine, @language, @text, @utterances::jsonb, @confidence, @flag, @now);
            UPDATE dialogues SET status = 'transcribed', updated_at = @now WHERE dialogue_id = @dialogueId;
            """,
            new
            {
                dialogueId,
                engine = transcript.Engine,
                language = transcript.Language,
                text = transcript.Text,
                utterances = RecordJson.SerializeUtterances(transcript.Utterances),
                confidence = transcript.Confidence is { } sure ? (float?)Math.Clamp(sure, 0, 1) : null,
                flag,
                now,
            },
            tx, cancellationToken: ct)).ConfigureAwait(false);

    // A class, not a positional record: Npgsql reports text[] columns as System.Array, which Dapper cannot match to a
    // string[] constructor parameter but does assign to a property.
    private sealed class Head
    {
        public string TenantId { get; init; } = "";

        public string Status { get; init; } = "";

        public bool Deleted { get; init; }

        public string[]? SpokenLanguages { get; init; }

        public string? SpokenLevel { get; init; }
    }

    private sealed record SegmentRow(Guid ChunkId, int StartMs, int EndMs, int DurationMs, string? StoragePath, string? DeviceTranscript);
}

internal sealed record DialogueForTranscription(
    Guid DialogueId,
    string TenantId,
    string Status,
    SpokenLanguages Spoken,
    IReadOnlyList<SegmentSource> Segments,
    IReadOnlyDictionary<Guid, string> DeviceTranscripts,
    bool Deleted)
{
    public bool DeviceTranscribed => Segments.Count > 0 && Segments.All(s => DeviceTranscripts.ContainsKey(s.Segment.ChunkId));
}
