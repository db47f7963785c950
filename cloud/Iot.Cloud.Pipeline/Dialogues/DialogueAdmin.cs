using System.Text.Json;
using Dapper;
using Npgsql;

namespace Iot.Cloud.Pipeline.Dialogues;

/// <summary>
/// Hides and restores dialogues. Soft delete only: the rows, transcript and analysis stay so a mistaken deletion can
/// be undone; every change writes an audit row with who did it and why.
/// </summary>
public sealed class DialogueAdmin(NpgsqlDataSource dataSource, TimeProvider time)
{
    /// <returns>False when the dialogue does not exist for that tenant or is already deleted.</returns>
    public async Task<bool> SoftDeleteAsync(string tenantId, Guid dialogueId, string actor, string reason, CancellationToken cancellationToken)
    {
        Require(actor, reason);
        return await ChangeAsync(
            """
            UPDATE dialogues SET deleted_at = @now, deleted_by = @actor, delete_reason = @reason, updated_at = @now
            WHERE tenant_id = @tenantId AND dialogue_id = @dialogueId AND deleted_at IS NULL
            """,
            "dialogue.delete", tenantId, dialogueId, actor, reason, cancellationToken).ConfigureAwait(false);
    }

    /// <returns>False when the dialogue does not exist for that tenant or is not deleted.</returns>
    public async Task<bool> RestoreAsync(string tenantId, Guid dialogueId, string actor, string reason, CancellationToken cancellationToken)
    {
        Require(actor, reason);
        return await ChangeAsync(
            """
            UPDATE dialogues SET deleted_at = NULL, deleted_by = NULL, delete_reason = NULL, updated_at = @now
            WHERE tenant_id = @tenantId AND dialogue_id = @dialogueId AND deleted_at IS NOT NULL
            """,
            "dialogue.restore", tenantId, dialogueId, actor, reason, cancellationToken).ConfigureAwait(false);
    }

    private async Task<bool> ChangeAsync(string sql, string action, string tenantId, Guid dialogueId, string actor, string reason, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var changed = await connection.ExecuteAsync(new CommandDefinition(
            sql, new { now, actor, reason, tenantId, dialogueId }, tx, cancellationToken: cancellationToken)).ConfigureAwait(false);
        if (changed == 0)
        {
            return false;
        }

        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO audit_log (at, tenant_id, actor, action, target, details) VALUES (@now, @tenantId, @actor, @action, @target, @details::jsonb)",
            new { now, tenantId, actor, action, target = "dialogue:" + dialogueId, details = JsonSerializer.Serialize(new Dictionary<string, string> { ["reason"] = reason }) },
            tx, cancellationToken: cancellationToken)).ConfigureAwait(false);
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    private static void Require(string actor, string reason)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(actor);
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
    }
}
