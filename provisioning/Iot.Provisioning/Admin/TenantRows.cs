using System.Data;
using Dapper;

namespace Iot.Provisioning.Admin;

/// <summary>
/// The one statement that creates a tenant row. Provisioning owns <c>tenants</c> (Migrations/OWNERS.md); the bridge
/// (seeded devices) and the dashboard (its seed admin) add a missing tenant through this, on their own connection and
/// transaction. The name starts as the id; nothing renames it yet.
/// </summary>
public static class TenantRows
{
    /// <returns>1 when the tenant was created, 0 when it existed.</returns>
    public static Task<int> EnsureAsync(IDbConnection connection, IDbTransaction? transaction, string tenantId, CancellationToken ct) =>
        connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO tenants (tenant_id, name) VALUES (@tenantId, @tenantId) ON CONFLICT DO NOTHING",
            new { tenantId },
            transaction,
            cancellationToken: ct));
}
