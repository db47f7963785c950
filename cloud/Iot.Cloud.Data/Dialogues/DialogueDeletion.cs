using Iot.Cloud.Data.Audit;
using Npgsql;

namespace Iot.Cloud.Data.Dialogues;

/// <summary>
/// Hiding and restoring a dialogue: the only place these rows are changed. Soft delete only, so a mistaken deletion
/// can be undone (the transcript and analysis stay); the change and its <c>audit_log</c> row (<see cref="AuditLog"/>)
/// commit in one transaction, so neither exists without the other. Restoring wakes the pipeline jobs parked on the
/// deletion (trigger of migration 0043), whoever restores.
/// </summary>
public static class DialogueDeletion
{
    // The tenant is in the WHERE clause: a dialogue of another tenant, or one already in the wanted state, changes
    // nothing and is not audited.
    private const string SoftDeleteSql = """
        UPDATE dialogues SET deleted_at = @now, deleted_by = @actor, delete_reason = @reason, updated_at = @now
        WHERE tenant_id = @tenantId AND dialogue_id = @dialogueId AND deleted_at IS NULL
        """;

    private const string RestoreSql = """
        UPDATE dialogues SET deleted_at = NULL, deleted_by = NULL, delete_reason = NULL, updated_at = @now
        WHERE tenant_id = @tenantId AND dialogue_id = @dialogueId AND deleted_at IS NOT NULL
        """;

    /// <summary>
    /// Runs on <paramref name="connection"/> inside <paramref name="transaction"/> when given, so a caller's session
    /// settings (the dashboard's role and row-security scope) apply; without one it opens its own.
    /// </summary>
    /// <returns>1 when the dialogue was hidden; 0 when it does not exist for that tenant (or that scope) or is already deleted.</returns>
    public static Task<int> SoftDeleteAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, string tenantId, Guid dialogueId, string actor, string reason, DateTimeOffset now, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(actor);
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        return ExecuteAsync(connection, transaction, SoftDeleteSql, tenantId, dialogueId, actor, reason, AuditActions.DialogueDeleted, new Dictionary<string, string?> { ["reason"] = reason }, now, ct);
    }

    /// <returns>1 when the dialogue was shown again; 0 when it does not exist for that tenant (or that scope) or is not deleted.</returns>
    public static Task<int> RestoreAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, string tenantId, Guid dialogueId, string actor, DateTimeOffset now, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(actor);
        return ExecuteAsync(connection, transaction, RestoreSql, tenantId, dialogueId, actor, null, AuditActions.DialogueRestored, new Dictionary<string, string?>(), now, ct);
    }

    private static async Task<int> ExecuteAsync(
        NpgsqlConnection connection,
        NpgsqlTransaction? transaction,
        string sql,
        string tenantId,
        Guid dialogueId,
        string actor,
        string? reason,
        string action,
        Dictionary<string, string?> details,
        DateTimeOffset now,
        CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tenantId);
        var own = transaction is null ? await connection.BeginTransactionAsync(ct).ConfigureAwait(false) : null;
        try
        {
            var tx = transaction ?? own;
            await using var command = new NpgsqlCommand(sql, connection, tx);
            command.Parameters.AddWithValue("tenantId", tenantId);
            command.Parameters.AddWithValue("dialogueId", dialogueId);
            command.Parameters.AddWithValue("actor", actor);
            command.Parameters.AddWithValue("reason", (object?)reason ?? DBNull.Value);
            command.Parameters.AddWithValue("now", now);
            var changed = await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            if (changed > 0)
            {
                // at = the transaction's time, as every dashboard audit row.
                await AuditLog.WriteAsync(connection, tx, new AuditRecord(tenantId, actor, action, dialogueId.ToString(), details), at: null, ct).ConfigureAwait(false);
            }

            if (own is not null)
            {
                await own.CommitAsync(ct).ConfigureAwait(false);
            }

            return changed;
        }
        finally
        {
            if (own is not null)
            {
                await own.DisposeAsync().ConfigureAwait(false);
            }
        }
    }
}
