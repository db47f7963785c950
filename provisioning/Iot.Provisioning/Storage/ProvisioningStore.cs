using Dapper;
using Npgsql;

namespace Iot.Provisioning.Storage;

/// <summary>
/// Registry reads and writes for provisioning: claims, preregistrations, requests and devices. Every lookup by serial is
/// within one tenant: a serial is a name printed on hardware, and another tenant naming it must find nothing.
/// </summary>
public sealed class ProvisioningStore(NpgsqlDataSource dataSource)
{
    private const string DeviceColumns = """
        device_id AS DeviceId, tenant_id AS TenantId, branch_id AS BranchId, serial AS Serial, hardware_id AS HardwareId,
        model AS Model, agent_version AS AgentVersion, display_name AS DisplayName, enabled AS Enabled,
        secret_hash AS SecretHash, pending_secret_hash AS PendingSecretHash, provisioned_at AS ProvisionedAt,
        revoked_at AS RevokedAt, last_seen_at AS LastSeenAt, created_at AS CreatedAt, recovery_key_hash AS RecoveryKeyHash
        """;

    private const string RequestColumns = """
        request_id AS RequestId, serial AS Serial, hardware_id AS HardwareId, model AS Model, agent_version AS AgentVersion,
        nonce AS Nonce, claim_id AS ClaimId, tenant_id AS TenantId, branch_id AS BranchId, status AS Status, reason AS Reason,
        device_id AS DeviceId, received_at AS ReceivedAt, decided_at AS DecidedAt, decided_by AS DecidedBy,
        recovery_key_hash AS RecoveryKeyHash
        """;

    public NpgsqlDataSource DataSource => dataSource;

    public Task<DeviceRow?> DeviceAsync(string deviceId, CancellationToken ct) =>
        QuerySingleAsync<DeviceRow>($"SELECT {DeviceColumns} FROM devices WHERE device_id = @deviceId", new { deviceId }, ct);

    public Task<DeviceRow?> DeviceBySerialAsync(string tenantId, string serial, CancellationToken ct) =>
        QuerySingleAsync<DeviceRow>($"SELECT {DeviceColumns} FROM devices WHERE tenant_id = @tenantId AND serial = @serial", new { tenantId, serial }, ct);

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

    public Task<RequestRow?> RequestAsync(string tenantId, string serial, string nonce, CancellationToken ct) =>
        QuerySingleAsync<RequestRow>(
            $"SELECT {RequestColumns} FROM provisioning_requests WHERE tenant_id = @tenantId AND serial = @serial AND nonce = @nonce",
            new { tenantId, serial, nonce },
            ct);

    public Task<RequestRow?> RequestAsync(Guid requestId, CancellationToken ct) =>
        QuerySingleAsync<RequestRow>($"SELECT {RequestColumns} FROM provisioning_requests WHERE request_id = @requestId", new { requestId }, ct);

    public Task<RequestRow?> LatestRequestAsync(string tenantId, string serial, CancellationToken ct) =>
        QuerySingleAsync<RequestRow>(
            $"SELECT {RequestColumns} FROM provisioning_requests WHERE tenant_id = @tenantId AND serial = @serial ORDER BY received_at DESC, decided_at DESC NULLS LAST LIMIT 1",
            new { tenantId, serial },
            ct);

    /// <summary>Pending requests for a serial, in every tenant when <paramref name="tenantId"/> is null (a global operator).</summary>
    public Task<IReadOnlyList<RequestRow>> PendingForSerialAsync(string? tenantId, string serial, CancellationToken ct) =>
        QueryAsync<RequestRow>(
            $"SELECT {RequestColumns} FROM provisioning_requests WHERE status = 'pending' AND serial = @serial AND (@tenantId::text IS NULL OR tenant_id = @tenantId) ORDER BY received_at DESC",
            new { tenantId, serial },
            ct);

    public Task<IReadOnlyList<RequestRow>> PendingAsync(string? tenantId, CancellationToken ct) =>
        QueryAsync<RequestRow>(
            $"SELECT {RequestColumns} FROM provisioning_requests WHERE status = 'pending' AND (@tenantId::text IS NULL OR tenant_id = @tenantId) ORDER BY received_at",
            new { tenantId },
            ct);

    /// <summary>Whether this claim already spent a use on this serial (a request of it exists).</summary>
    public Task<bool> ClaimUsedForAsync(string claimId, string serial, CancellationToken ct) =>
        ScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM provisioning_requests WHERE claim_id = @claimId AND serial = @serial)", new { claimId, serial }, ct);

    public Task<ClaimRow?> ClaimAsync(string claimId, CancellationToken ct) =>
        QuerySingleAsync<ClaimRow>(
            """
            SELECT claim_id AS ClaimId, tenant_id AS TenantId, branch_id AS BranchId, max_uses AS MaxUses, uses AS Uses,
                   expires_at AS ExpiresAt, revoked_at AS RevokedAt
            FROM claim_tokens WHERE claim_id = @claimId
            """,
            new { claimId },
            ct);

    public Task<PreregistrationRow?> PreregistrationAsync(string tenantId, string serial, CancellationToken ct) =>
        QuerySingleAsync<PreregistrationRow>(
            """
            SELECT serial AS Serial, tenant_id AS TenantId, branch_id AS BranchId, device_id AS DeviceId,
                   display_name AS DisplayName, consumed_at AS ConsumedAt
            FROM preregistrations WHERE tenant_id = @tenantId AND serial = @serial
            """,
            new { tenantId, serial },
            ct);

    /// <summary>Unconsumed preregistrations of a serial in any tenant: only for a request whose claim the broker could not name.</summary>
    public Task<IReadOnlyList<PreregistrationRow>> OpenPreregistrationsAsync(string serial, CancellationToken ct) =>
        QueryAsync<PreregistrationRow>(
            """
            SELECT serial AS Serial, tenant_id AS TenantId, branch_id AS BranchId, device_id AS DeviceId,
                   display_name AS DisplayName, consumed_at AS ConsumedAt
            FROM preregistrations WHERE serial = @serial AND consumed_at IS NULL
            """,
            new { serial },
            ct);

    /// <summary>Decisions about known devices, newest first, for operators and the dashboard.</summary>
    public Task<IReadOnlyList<ReprovisionAuditRow>> ReprovisionAuditAsync(string? tenantId, int limit, CancellationToken ct) =>
        QueryAsync<ReprovisionAuditRow>(
            """
            SELECT audit_id AS AuditId, tenant_id AS TenantId, device_id AS DeviceId, serial AS Serial, hardware_id AS HardwareId,
                   outcome AS Outcome, proof AS Proof, reason AS Reason, claim_id AS ClaimId, decided_by AS By, at AS At
            FROM provisioning_audit WHERE (@tenantId::text IS NULL OR tenant_id = @tenantId) ORDER BY at DESC, audit_id DESC LIMIT @limit
            """,
            new { tenantId, limit },
            ct);

    /// <summary>
    /// A waiting request answers for the device's newest nonce (devices send a fresh one per attempt); what the operator
    /// sees stays. New and known devices' deciders both use it for an asker that cannot prove the row's recovery key.
    /// </summary>
    public Task RenewNonceAsync(Guid requestId, string nonce, CancellationToken ct) =>
        ExecuteAsync("UPDATE provisioning_requests SET nonce = @nonce WHERE request_id = @requestId", new { nonce, requestId }, ct);

    public Task AuditAsync(ReprovisionAuditEntry e, CancellationToken ct) =>
        ExecuteAsync(
            """
            INSERT INTO provisioning_audit (tenant_id, branch_id, device_id, serial, hardware_id, outcome, proof, reason, claim_id, decided_by, at)
            VALUES (@TenantId, @BranchId, @DeviceId, @Serial, @HardwareId, @Outcome, @Proof, @Reason, @ClaimId, @By, @At)
            """,
            e,
            ct);

    /// <summary>
    /// <paramref name="preferred"/> if no device has that id yet, else a suffixed one: device ids are global, and another
    /// tenant's device with the same name must neither block this tenant nor be revealed to it.
    /// </summary>
    public async Task<string> FreeDeviceIdAsync(string preferred, CancellationToken ct)
    {
        var candidate = preferred;
        for (var attempt = 0; attempt < 8; attempt++)
        {
            if (!await ScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM devices WHERE device_id = @candidate)", new { candidate }, ct).ConfigureAwait(false))
            {
                return candidate;
            }

            var suffix = "-" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(3));
            candidate = preferred[..Math.Min(preferred.Length, Iot.Protocol.ProtocolLimits.MaxIdLength - suffix.Length)] + suffix;
        }

        throw new InvalidOperationException($"no free device id derived from '{preferred}'");
    }

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
