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
            SELECT d.tenant_id AS TenantId, d.status AS Status, s.transcription_language AS Language, d.deleted_at IS NOT NULL AS Deleted
            FROM dialogues d LEFT JOIN tenant_settings s ON s.tenant_id = d.tenant_id
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

        return new DialogueForTranscription(dialogueId, head.TenantId, head.Status, head.Language, [.. sources.Select(s => s.Source)], transcripts, head.Deleted);
    }

    public static async Task SaveAsync(NpgsqlConnection c, NpgsqlTransaction tx, Guid dialogueId, Transcript transcript, DateTime now, CancellationToken ct) =>
        await c.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO transcripts (dialogue_id, engine, language, text, utterances, created_at)
            VALUES (@dialogueId, @engine, @language, @text, @utterances::jsonb, @now);
            UPDATE dialogues SET status = 'transcribed', updated_at = @now WHERE dialogue_id = @dialogueId;
            """,
            new
            {
                dialogueId,
                engine = transcript.Engine,
                language = transcript.Language,
                text = transcript.Text,
                utterances = TranscriptJson.SerializeUtterances(transcript.Utterances),
                now,
            },
            tx, cancellationToken: ct)).ConfigureAwait(false);

    private sealed record Head(string TenantId, string Status, string? Language, bool Deleted);

    private sealed record SegmentRow(Guid ChunkId, int StartMs, int EndMs, int DurationMs, string? StoragePath, string? DeviceTranscript);
}

internal sealed record DialogueForTranscription(
    Guid DialogueId,
    string TenantId,
    string Status,
    string? Language,
    IReadOnlyList<SegmentSource> Segments,
    IReadOnlyDictionary<Guid, string> DeviceTranscripts,
    bool Deleted)
{
    public bool DeviceTranscribed => Segments.Count > 0 && Segments.All(s => DeviceTranscripts.ContainsKey(s.Segment.ChunkId));
}
