using System.Data;
using System.Text.Json;
using Dapper;

namespace Iot.Dashboard.Data;

public sealed record AuditEntry(string Action, string? Target, IReadOnlyDictionary<string, string?>? Details = null);

internal static class AuditLog
{
    public static async Task WriteAsync(IDbConnection c, IDbTransaction? tx, string? tenantId, string actor, AuditEntry entry, CancellationToken ct)
    {
        var details = JsonSerializer.Serialize(entry.Details ?? new Dictionary<string, string?>());
        await c.ExecuteAsync(new CommandDefinition(
            "INSERT INTO audit_log (tenant_id, actor, action, target, details) VALUES (@tenantId, @actor, @Action, @Target, @details::jsonb)",
            new { tenantId, actor, entry.Action, entry.Target, details },
            tx,
            cancellationToken: ct)).ConfigureAwait(false);
    }
}
