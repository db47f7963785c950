using System.Text.Json;
using Dapper;
using Iot.Protocol.Serialization;
using Npgsql;

namespace Iot.Cloud.Pipeline.Dialogues;

/// <summary>The SQL behind <see cref="BuildDialoguesHandler"/>; every call runs inside the builder's transaction.</summary>
internal static class DialogueStore
{
    public static async Task LockDeviceAsync(NpgsqlConnection c, NpgsqlTransaction tx, string deviceId, CancellationToken ct) =>
        await c.ExecuteAsync(new CommandDefinition(
            "SELECT pg_advisory_xact_lock(hashtextextended('build-dialogues:' || @deviceId, 0))", new { deviceId }, tx, cancellationToken: ct)).ConfigureAwait(false);

    public static async Task<DeviceInfo?> DeviceAsync(NpgsqlConnection c, NpgsqlTransaction tx, string deviceId, CancellationToken ct) =>
        await c.QuerySingleOrDefaultAsync<DeviceInfo>(new CommandDefinition(
            """
            SELECT d.tenant_id AS TenantId, d.branch_id AS BranchId, s.dialogue_gap_seconds AS GapSeconds
            FROM devices d LEFT JOIN tenant_settings s ON s.tenant_id = d.tenant_id
            WHERE d.device_id = @deviceId
            """,
            new { deviceId }, tx, cancellationToken: ct)).ConfigureAwait(false);

    /// <summary>Chunks with speech not yet inside a frozen dialogue, and which of their segments are frozen.</summary>
    public static async Task<(IReadOnlyList<DeviceChunk> Chunks, IReadOnlySet<(Guid, int)> FrozenSegments)> CandidatesAsync(
        NpgsqlConnection c, NpgsqlTransaction tx, string deviceId, CancellationToken ct)
    {
        var rows = await c.QueryAsync<ChunkRow>(new CommandDefinition(
            """
            SELECT ch.chunk_id AS ChunkId, ch.seq AS Seq, ch.started_at AS StartedAt, ch.duration_ms AS DurationMs,
                   ch.transaction_id AS TransactionId, ch.operator_id AS OperatorId, ch.audio_included AS AudioIncluded,
                   ch.speech_segments::text AS Segments
            FROM chunks ch
            WHERE ch.device_id = @deviceId AND NOT ch.dialogues_final AND ch.audio_included AND ch.speech_segments <> '[]'::jsonb
              AND jsonb_array_length(ch.speech_segments) > (
                  SELECT count(*) FROM dialogue_segments ds JOIN dialogues d ON d.dialogue_id = ds.dialogue_id
                  WHERE ds.chunk_id = ch.chunk_id AND d.status <> 'open')
            """,
            new { deviceId }, tx, cancellationToken: ct)).ConfigureAwait(false);
        var chunks = rows.Select(ToChunk).ToList();
        var ids = chunks.Select(x => x.ChunkId).ToArray();
        var frozen = await c.QueryAsync<(Guid, int)>(new CommandDefinition(
            """
            SELECT ds.chunk_id, ds.start_ms FROM dialogue_segments ds JOIN dialogues d ON d.dialogue_id = ds.dialogue_id
            WHERE ds.chunk_id = ANY(@ids) AND d.status <> 'open'
            """,
            new { ids }, tx, cancellationToken: ct)).ConfigureAwait(false);
        return (chunks, frozen.ToHashSet());
    }

    /// <summary>The lowest sequence number stored for the device: nothing before it can be waited for.</summary>
    public static async Task<long> FirstSeqAsync(NpgsqlConnection c, NpgsqlTransaction tx, string deviceId, CancellationToken ct) =>
        await c.ExecuteScalarAsync<long>(new CommandDefinition(
            // Devices number chunks from 1 (ChunkOutbox). The lowest seq seen so far is not the start while an earlier
            // chunk may still be in flight, so nothing above 1 counts as the device's first chunk.
            "SELECT LEAST(COALESCE(min(seq), 1), 1) FROM chunks WHERE device_id = @deviceId", new { deviceId }, tx, cancellationToken: ct)).ConfigureAwait(false);

    /// <summary>
    /// Chunks in <paramref name="fromSeq"/>..<paramref name="toSeq"/> and every chunk of <paramref name="transactions"/>,
    /// speech or not: the audio the device is known to have heard around the dialogues being decided.
    /// </summary>
    public static async Task<IReadOnlyList<DeviceChunk>> ChunksAroundAsync(
        NpgsqlConnection c, NpgsqlTransaction tx, string deviceId, long fromSeq, long toSeq, string[] transactions, CancellationToken ct)
    {
        var rows = await c.QueryAsync<ChunkRow>(new CommandDefinition(
            """
            SELECT chunk_id AS ChunkId, seq AS Seq, started_at AS StartedAt, duration_ms AS DurationMs,
                   transaction_id AS TransactionId, operator_id AS OperatorId, audio_included AS AudioIncluded, '[]' AS Segments
            FROM chunks WHERE device_id = @deviceId AND seq >= @fromSeq AND (seq <= @toSeq OR transaction_id = ANY(@transactions))
            """,
            new { deviceId, fromSeq, toSeq, transactions }, tx, cancellationToken: ct)).ConfigureAwait(false);
        return [.. rows.Select(ToChunk)];
    }

    public static async Task<IReadOnlyList<FrozenDialogue>> FrozenAsync(
        NpgsqlConnection c, NpgsqlTransaction tx, string deviceId, DateTime from, string[] transactions, CancellationToken ct)
    {
        var rows = await c.QueryAsync<FrozenRow>(new CommandDefinition(
            """
            SELECT dialogue_id AS DialogueId, started_at AS StartedAt, ended_at AS EndedAt, transaction_id AS TransactionId
            FROM dialogues
            WHERE device_id = @deviceId AND status <> 'open' AND (ended_at >= @from OR transaction_id = ANY(@transactions))
            """,
            new { deviceId, from, transactions }, tx, cancellationToken: ct)).ConfigureAwait(false);
        return [.. rows.Select(r => new FrozenDialogue(r.DialogueId, r.StartedAt, r.EndedAt, r.TransactionId))];
    }

    /// <summary>Replaces the device's open dialogues by the plan; unchanged rows are not touched (updated_at stays).</summary>
    public static async Task SaveOpenAsync(
        NpgsqlConnection c, NpgsqlTransaction tx, string deviceId, DeviceInfo device, IReadOnlyList<PlannedDialogue> plan,
        IReadOnlyDictionary<Guid, IReadOnlyList<Audio.TimelinePlacement>> layouts, DateTime now, CancellationToken ct)
    {
        var planned = plan.Select(d => d.DialogueId).ToArray();
        await c.ExecuteAsync(new CommandDefinition(
            """
            DELETE FROM dialogue_segments WHERE dialogue_id IN (SELECT dialogue_id FROM dialogues WHERE device_id = @deviceId AND status = 'open');
            DELETE FROM dialogues WHERE device_id = @deviceId AND status = 'open' AND NOT (dialogue_id = ANY(@planned));
            """,
            new { deviceId, planned }, tx, cancellationToken: ct)).ConfigureAwait(false);

        foreach (var d in plan)
        {
            await c.ExecuteAsync(new CommandDefinition(
                // dialogues is partitioned by started_at and its key is (dialogue_id, started_at), so ON CONFLICT
                // (dialogue_id) cannot express "this id exists": an open dialogue's start moves when earlier speech
                // arrives. One row per id is this builder's job (per-device lock, ids derived per device): update the
                // row with this id if it is open and changed (a new month moves it), insert only when no row has it.
                """
                WITH changed AS (
                    UPDATE dialogues SET branch_id = @BranchId, operator_id = @OperatorId, started_at = @StartedAt,
                                         ended_at = @EndedAt, speech_ms = @SpeechMs, updated_at = @now
                    WHERE dialogue_id = @DialogueId AND status = 'open'
                      AND (branch_id, operator_id, started_at, ended_at, speech_ms)
                          IS DISTINCT FROM (@BranchId::text, @OperatorId::text, @StartedAt::timestamptz, @EndedAt::timestamptz, @SpeechMs::integer)
                    RETURNING dialogue_id)
                INSERT INTO dialogues (dialogue_id, tenant_id, branch_id, device_id, transaction_id, operator_id, started_at, ended_at, speech_ms, status, updated_at)
                SELECT @DialogueId, @TenantId, @BranchId, @deviceId, @TransactionId, @OperatorId, @StartedAt, @EndedAt, @SpeechMs, 'open', @now
                WHERE NOT EXISTS (SELECT 1 FROM dialogues WHERE dialogue_id = @DialogueId)
                """,
                new { d.DialogueId, device.TenantId, device.BranchId, deviceId, d.TransactionId, d.OperatorId, d.StartedAt, d.EndedAt, d.SpeechMs, now },
                tx, cancellationToken: ct)).ConfigureAwait(false);

            var placements = layouts[d.DialogueId];
            await c.ExecuteAsync(new CommandDefinition(
                """
                INSERT INTO dialogue_segments (chunk_id, start_ms, end_ms, dialogue_id, started_at, offset_ms)
                SELECT u.chunk_id, u.start_ms, u.end_ms, @id, u.started_at, u.offset_ms
                FROM unnest(@chunks, @starts, @ends, @times, @offsets) AS u(chunk_id, start_ms, end_ms, started_at, offset_ms)
                """,
                new
                {
                    id = d.DialogueId,
                    chunks = d.Segments.Select(s => s.Chunk.ChunkId).ToArray(),
                    starts = d.Segments.Select(s => s.StartMs).ToArray(),
                    ends = d.Segments.Select(s => s.EndMs).ToArray(),
                    times = d.Segments.Select(s => s.StartedAt).ToArray(),
                    offsets = placements.Select(p => p.OffsetMs).ToArray(),
                },
                tx, cancellationToken: ct)).ConfigureAwait(false);
        }
    }

    /// <summary>Marks chunks the builder never needs to read again.</summary>
    public static async Task MarkFinalAsync(NpgsqlConnection c, NpgsqlTransaction tx, Guid[] chunkIds, CancellationToken ct) =>
        await c.ExecuteAsync(new CommandDefinition(
            "UPDATE chunks SET dialogues_final = true WHERE chunk_id = ANY(@chunkIds)", new { chunkIds }, tx, cancellationToken: ct)).ConfigureAwait(false);

    /// <summary>Locks the dialogue row for the rest of the transaction; its status, or null when it does not exist.</summary>
    public static async Task<string?> LockStatusAsync(NpgsqlConnection c, NpgsqlTransaction tx, Guid dialogueId, CancellationToken ct) =>
        await c.ExecuteScalarAsync<string?>(new CommandDefinition(
            "SELECT status FROM dialogues WHERE dialogue_id = @dialogueId FOR UPDATE", new { dialogueId }, tx, cancellationToken: ct)).ConfigureAwait(false);

    public static async Task CloseAsync(NpgsqlConnection c, NpgsqlTransaction tx, Guid dialogueId, DateTime now, CancellationToken ct) =>
        await c.ExecuteAsync(new CommandDefinition(
            "UPDATE dialogues SET status = 'closed', updated_at = @now WHERE dialogue_id = @dialogueId AND status = 'open'",
            new { dialogueId, now }, tx, cancellationToken: ct)).ConfigureAwait(false);

    private static DeviceChunk ToChunk(ChunkRow r) => new(
        r.ChunkId, r.Seq, DateTime.SpecifyKind(r.StartedAt, DateTimeKind.Utc), r.DurationMs, r.TransactionId, r.OperatorId, r.AudioIncluded,
        JsonSerializer.Deserialize(r.Segments, ProtocolJsonContext.Default.IReadOnlyListSpeechSegment) ?? []);

    internal sealed record DeviceInfo(string TenantId, string? BranchId, int? GapSeconds);

    private sealed record ChunkRow(Guid ChunkId, long Seq, DateTime StartedAt, int DurationMs, string? TransactionId, string? OperatorId, bool AudioIncluded, string Segments);

    private sealed record FrozenRow(Guid DialogueId, DateTime StartedAt, DateTime EndedAt, string? TransactionId);
}
