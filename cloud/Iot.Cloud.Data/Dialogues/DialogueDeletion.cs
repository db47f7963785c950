using System.Text.Json;
using Iot.Cloud.Data.Audit;
using Npgsql;

namespace Iot.Cloud.Data.Dialogues;

/// <summary>
/// Hiding and restoring a dialogue: the only place these rows are changed. Soft delete only, so a mistaken deletion
/// can be undone (the transcript and analysis stay); the change and its <c>audit_log</c> row are one statement, so
/// neither exists without the other. Restoring wakes the pipeline jobs parked on the deletion (trigger of migration
/// 0043), whoever restores.
/// </summary>
public static class DialogueDeletion
{
    // The audit row is inserted only for a row the UPDATE changed (the CTE's RETURNING): deleting a deleted dialogue,
    // or one of another tenant, changes and records nothing. audit_log.at keeps its default, the transaction's time.
    private const string SoftDeleteSql = """
        WITH changed AS (
            UPDATE dialogues SET deleted_at = @now, deleted_by = @actor, delete_reason = @reason, updated_at = @now
            WHERE tenant_id = @tenantId AND dialogue_id = @dialogueId AND deleted_at IS NULL
            RETURNING dialogue_id)
        INSERT INTO audit_log (tenant_id, actor, action, target, details)
        SELECT @tenantId, @actor, @action, dialogue_id::text, @details::jsonb FROM changed
        """;

    private const string RestoreSql = """
        WITH changed AS (
            UPDATE dialogues SET deleted_at = NULL, deleted_by = NULL, delete_reason = NULL, updated_at = @now
            WHERE tenant_id = @tenantId AND dialogue_id = @dialogueId AND deleted_at IS NOT NULL
            RETURNING dialogue_id)
        INSERT INTO audit_log (tenant_id, actor, action, target, details)
        SELECT @tenantId, @actor, @action, dialogue_id::text, @details::jsonb FROM changed
        """;

    /// <summary>
    /// Runs on <paramref name="connection"/> inside <paramref name="transaction"/> when given, so a caller's session
    /// settings (the dashboard's role and row-security scope) apply.
    /// </summary>
    /// <returns>1 when the dialogue was hidden; 0 when it does not exist for that tenant (or that scope) or is already deleted.</returns>
    public static Task<int> SoftDeleteAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, string tenantId, Guid dialogueId, string actor, string reason, DateTimeOffset now, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(actor);
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        return ExecuteAsync(connection, transaction, SoftDeleteSql, tenantId, dialogueId, actor, reason, AuditActions.DialogueDeleted, new() { ["reason"] = reason }, now, ct);
    }

    /// <returns>1 when the dialogue was shown again; 0 when it does not exist for that tenant (or that scope) or is not deleted.</returns>
    public static Task<int> RestoreAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, string tenantId, Guid dialogueId, string actor, DateTimeOffset now, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(actor);
        return ExecuteAsync(connection, transaction, RestoreSql, tenantId, dialogueId, actor, null, AuditActions.DialogueRestored, [], now, ct);
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
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        command.Parameters.AddWithValue("tenantId", tenantId);
        command.Parameters.AddWithValue("dialogueId", dialogueId);
        command.Parameters.AddWithValue("actor", actor);
        command.Parameters.AddWithValue("reason", (object?)reason ?? DBNull.Value);
        command.Parameters.AddWithValue("action", action);
        command.Parameters.AddWithValue("details", JsonSerializer.Serialize(details));
        command.Parameters.AddWithValue("now", now);
        return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }
}
