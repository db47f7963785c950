using Dapper;
using Npgsql;

namespace Iot.Provisioning.Storage;

/// <summary>Registry reads and writes for provisioning: claims, preregistrations, requests and devices.</summary>
public sealed class ProvisioningStore(NpgsqlDataSource dataSource)
{
    private const string DeviceColumns = """
        device_id AS DeviceId, tenant_id AS TenantId, branch_id AS BranchId, serial AS Serial, hardware_id AS HardwareId,
        model AS Model, agent_version AS AgentVersion, display_name AS DisplayName, enabled AS Enabled,
        secret_hash AS SecretHash, pending_secret_hash AS PendingSecretHash, provisioned_at AS ProvisionedAt,
        revoked_at AS RevokedAt, last_seen_at AS LastSeenAt, created_at AS CreatedAt
        """;

    private const string RequestColumns = """
        request_id AS RequestId, serial AS Serial, hardware_id AS HardwareId, model AS Model, agent_version AS AgentVersion,
        nonce AS Nonce, claim_id AS ClaimId, tenant_id AS TenantId, branch_id AS BranchId, status AS Status, reason AS Reason,
        device_id AS DeviceId, received_at AS ReceivedAt, decided_at AS DecidedAt, decided_by AS DecidedBy
        """;

    public NpgsqlDataSource DataSource => dataSource;

    public Task<DeviceRow?> DeviceAsync(string deviceId, CancellationToken ct) =>
        QuerySingleAsync<DeviceRow>($"SELECT {DeviceColumns} FROM devices WHERE device_id = @deviceId", new { deviceId }, ct);

    public Task<DeviceRow?> DeviceBySerialAsync(string serial, CancellationToken ct) =>
        QuerySingleAsync<DeviceRow>($"SELECT {DeviceColumns} FROM devices WHERE serial = @serial", new { serial }, ct);

    public Task<DeviceRow?> DeviceByHardwareAsync(string tenantId, string hardwareId, CancellationToken ct) =>
        QuerySingleAsync<DeviceRow>(
            $"SELECT {DeviceColumns} FROM devices WHERE tenant_id = @tenantId AND hardware_id = @hardwareId ORDER BY created_at DESC LIMIT 1",
            new { tenantId, hardwareId },
            ct);

    public Task<IReadOnlyList<DeviceRow>> DevicesAsync(string? tenantId, CancellationToken ct) =>
        QueryAsync<DeviceRow>(
            $"SELECT {DeviceColumns} FROM devices WHERE (@tenantId::text IS NULL OR tenant_id = @tenantId) ORDER BY tenant_id, device_id",
            new { tenantId },
            ct);

    public Task<RequestRow?> RequestAsync(string serial, string nonce, CancellationToken ct) =>
        QuerySingleAsync<RequestRow>($"SELECT {RequestColumns} FROM provisioning_requests WHERE serial = @serial AND nonce = @nonce", new { serial, nonce }, ct);

    public Task<RequestRow?> RequestAsync(Guid requestId, CancellationToken ct) =>
        QuerySingleAsync<RequestRow>($"SELECT {RequestColumns} FROM provisioning_requests WHERE request_id = @requestId", new { requestId }, ct);

    public Task<RequestRow?> LatestRequestAsync(string serial, CancellationToken ct) =>
        QuerySingleAsync<RequestRow>(
            $"SELECT {RequestColumns} FROM provisioning_requests WHERE serial = @serial ORDER BY received_at DESC, decided_at DESC NULLS LAST LIMIT 1",
            new { serial },
            ct);

    public Task<IReadOnlyList<RequestRow>> PendingAsync(string? tenantId, CancellationToken ct) =>
        QueryAsync<RequestRow>(
            $"SELECT {RequestColumns} FROM provisioning_requests WHERE status = 'pending' AND (@tenantId::text IS NULL OR tenant_id = @tenantId) ORDER BY received_at",
            new { tenantId },
            ct);

    public Task<ClaimRow?> ClaimAsync(string claimId, CancellationToken ct) =>
        QuerySingleAsync<ClaimRow>(
            """
            SELECT claim_id AS ClaimId, tenant_id AS TenantId, branch_id AS BranchId, max_uses AS MaxUses, uses AS Uses,
                   expires_at AS ExpiresAt, revoked_at AS RevokedAt
            FROM claim_tokens WHERE claim_id = @claimId
            """,
            new { claimId },
            ct);

    public Task<PreregistrationRow?> PreregistrationAsync(string serial, CancellationToken ct) =>
        QuerySingleAsync<PreregistrationRow>(
            """
            SELECT serial AS Serial, tenant_id AS TenantId, branch_id AS BranchId, device_id AS DeviceId,
                   display_name AS DisplayName, consumed_at AS ConsumedAt
            FROM preregistrations WHERE serial = @serial
            """,
            new { serial },
            ct);

    public async Task<ReprovisionPolicy> PolicyAsync(string tenantId, CancellationToken ct)
    {
        await using var c = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        var value = await c.ExecuteScalarAsync<string?>(new CommandDefinition(
            "SELECT reprovision_policy FROM tenant_policies WHERE tenant_id = @tenantId", new { tenantId }, cancellationToken: ct)).ConfigureAwait(false);
        return ReprovisionPolicies.FromDb(value);
    }

    public async Task<int> ExecuteAsync(string sql, object? args, CancellationToken ct)
    {
        await using var c = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        return await c.ExecuteAsync(new CommandDefinition(sql, args, cancellationToken: ct)).ConfigureAwait(false);
    }

    public async Task<T?> ScalarAsync<T>(string sql, object? args, CancellationToken ct)
    {
        await using var c = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        return await c.ExecuteScalarAsync<T>(new CommandDefinition(sql, args, cancellationToken: ct)).ConfigureAwait(false);
    }

    public async Task<T?> QuerySingleAsync<T>(string sql, object? args, CancellationToken ct)
        where T : class
    {
        await using var c = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        return await c.QuerySingleOrDefaultAsync<T>(new CommandDefinition(sql, args, cancellationToken: ct)).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<T>> QueryAsync<T>(string sql, object? args, CancellationToken ct)
    {
        await using var c = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        var rows = await c.QueryAsync<T>(new CommandDefinition(sql, args, cancellationToken: ct)).ConfigureAwait(false);
        return rows.AsList();
    }
}
