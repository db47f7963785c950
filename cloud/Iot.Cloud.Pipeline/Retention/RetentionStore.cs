using Dapper;
using Iot.Cloud.Data.Audit;
using Npgsql;

namespace Iot.Cloud.Pipeline.Retention;

internal static class RetentionStore
{
    public static async Task<IReadOnlyList<TenantRetention>> TenantsAsync(NpgsqlConnection c, int defaultDays, CancellationToken ct) =>
        [.. await c.QueryAsync<TenantRetention>(new CommandDefinition(
            """
            SELECT t.tenant_id AS TenantId, COALESCE(s.audio_retention_days, @defaultDays) AS Days
            FROM tenants t LEFT JOIN tenant_settings s ON s.tenant_id = t.tenant_id
            ORDER BY t.tenant_id
            """,
            new { defaultDays }, cancellationToken: ct)).ConfigureAwait(false)];

    public static async Task<IReadOnlyList<ExpiredChunk>> LockExpiredAsync(NpgsqlConnection c, NpgsqlTransaction tx, string tenantId, DateTime cutoff, int limit, CancellationToken ct) =>
        [.. await c.QueryAsync<ExpiredChunk>(new CommandDefinition(
            """
            SELECT chunk_id AS ChunkId, storage_path AS StoragePath FROM chunks
            WHERE tenant_id = @tenantId AND storage_path IS NOT NULL AND started_at + duration_ms * interval '1 millisecond' < @cutoff
            ORDER BY started_at LIMIT @limit
            FOR UPDATE SKIP LOCKED
            """,
            new { tenantId, cutoff, limit }, tx, cancellationToken: ct)).ConfigureAwait(false)];

    /// <summary>Marks the chunks purged and every dialogue with audio from them; returns the number of dialogues newly marked.</summary>
    public static async Task<int> MarkPurgedAsync(NpgsqlConnection c, NpgsqlTransaction tx, Guid[] ids, DateTime now, CancellationToken ct) =>
        await c.ExecuteScalarAsync<int>(new CommandDefinition(
            """
            WITH purged AS (
                UPDATE chunks SET storage_path = NULL, audio_purged_at = @now WHERE chunk_id = ANY(@ids) RETURNING chunk_id
            ), marked AS (
                UPDATE dialogues SET audio_purged_at = @now, updated_at = @now
                WHERE audio_purged_at IS NULL
                  AND dialogue_id IN (SELECT ds.dialogue_id FROM dialogue_segments ds JOIN purged p ON p.chunk_id = ds.chunk_id)
                RETURNING dialogue_id
            )
            SELECT count(*)::int FROM marked
            """,
            new { ids, now }, tx, cancellationToken: ct)).ConfigureAwait(false);

    public static Task AuditAsync(NpgsqlConnection c, string tenantId, DateTime now, object details, CancellationToken ct) =>
        AuditLog.WriteAsync(c, null, new AuditRecord(tenantId, RetentionAudit.Actor, RetentionAudit.Run, "audio", details), new DateTimeOffset(now, TimeSpan.Zero), ct);

    internal sealed record TenantRetention(string TenantId, int Days);

    internal sealed record ExpiredChunk(Guid ChunkId, string StoragePath);
}
