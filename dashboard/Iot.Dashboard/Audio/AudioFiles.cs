using Iot.Cloud.Storage;
using Iot.Dashboard.Data;

namespace Iot.Dashboard.Audio;

/// <summary>A chunk's audio in the audio store (its key, size and time there) and its length as the chunk row states it.</summary>
public sealed record ChunkFile(Guid ChunkId, string Key, int DurationMs, long Length, DateTimeOffset LastModifiedUtc);

/// <summary>
/// Finds chunk audio the caller may hear. The chunk rows come through <see cref="TenantDb"/>, so another tenant's
/// chunk simply is not found; keys go to the audio store (<c>Dashboard:Storage</c>: the bridges' directory or their
/// bucket), which refuses any key that would leave it.
/// </summary>
public sealed class AudioFiles(TenantDb db, IAudioStore store)
{
    private const string Columns = "c.chunk_id AS ChunkId, c.storage_path AS StoragePath, c.duration_ms AS DurationMs";

    // Deleting a dialogue withdraws its audio by every route, not only the dialogue's own URL.
    private const string NotInDeletedDialogue = """
        NOT EXISTS (SELECT 1 FROM dialogue_segments s JOIN dialogues d ON d.dialogue_id = s.dialogue_id
                    WHERE s.chunk_id = c.chunk_id AND (d.deleted_at IS NOT NULL OR d.audio_purged_at IS NOT NULL))
        """;

    public Task<IReadOnlyList<ChunkFile>> ForChunkAsync(Guid chunkId, CancellationToken ct) =>
        Resolve($"SELECT {Columns} FROM chunks c WHERE c.chunk_id = @chunkId AND c.storage_path IS NOT NULL AND {NotInDeletedDialogue}", new { chunkId }, ct);

    /// <summary>Distinct chunk files of the dialogue's segments, in timeline order. Deleted dialogues have no audio here.</summary>
    public Task<IReadOnlyList<ChunkFile>> ForDialogueAsync(Guid dialogueId, CancellationToken ct) =>
        Resolve(
            $"""
            SELECT {Columns} FROM chunks c
            JOIN (SELECT chunk_id, min(offset_ms) AS first FROM dialogue_segments WHERE dialogue_id = @dialogueId GROUP BY chunk_id) s ON s.chunk_id = c.chunk_id
            JOIN dialogues d ON d.dialogue_id = @dialogueId AND d.deleted_at IS NULL AND d.audio_purged_at IS NULL
            WHERE c.storage_path IS NOT NULL
            ORDER BY s.first
            """,
            new { dialogueId },
            ct);

    /// <summary>A queue visit's chunks recorded on that UTC day, in order.</summary>
    public Task<IReadOnlyList<ChunkFile>> ForTransactionAsync(DateOnly day, string transactionId, CancellationToken ct) =>
        Resolve(
            $"""
            SELECT {Columns} FROM chunks c
            WHERE c.transaction_id = @transactionId AND c.started_at >= @start AND c.started_at < @end AND c.storage_path IS NOT NULL
              AND {NotInDeletedDialogue}
            ORDER BY c.started_at, c.seq
            """,
            new { transactionId, start = day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc), end = day.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc) },
            ct);

    private async Task<IReadOnlyList<ChunkFile>> Resolve(string sql, object args, CancellationToken ct)
    {
        var rows = await db.QueryAsync<(Guid ChunkId, string StoragePath, int DurationMs)>(sql, args, ct).ConfigureAwait(false);
        var files = new List<ChunkFile>(rows.Count);
        foreach (var row in rows)
        {
            AudioObject? stored;
            try
            {
                stored = await store.GetAsync(row.StoragePath, ct).ConfigureAwait(false);
            }
            catch (ArgumentException)
            {
                // A row whose path would leave the store is treated as audio that is not there.
                continue;
            }

            if (stored is not null)
            {
                files.Add(new ChunkFile(row.ChunkId, row.StoragePath, row.DurationMs, stored.Length, stored.LastModifiedUtc));
            }
        }

        return files;
    }
}
