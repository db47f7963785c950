using Dapper;
using Npgsql;

namespace Iot.Cloud.Bridge.Broker.Security;

/// <summary>Reads the credential rows a CONNECT is checked against. PostgreSQL is the only source of truth.</summary>
public sealed class CredentialStore(NpgsqlDataSource dataSource)
{
    public async Task<DeviceCredential?> FindDeviceAsync(string tenantId, string deviceId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await connection.QuerySingleOrDefaultAsync<DeviceCredential>(new CommandDefinition(
            """
            SELECT secret_hash AS SecretHash, pending_secret_hash AS PendingSecretHash,
                   (revoked_at IS NOT NULL OR NOT enabled) AS Revoked
            FROM devices WHERE tenant_id = @tenantId AND device_id = @deviceId
            """,
            new { tenantId, deviceId },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    public async Task<ClaimCredential?> FindClaimAsync(string claimId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await connection.QuerySingleOrDefaultAsync<ClaimCredential>(new CommandDefinition(
            """
            SELECT secret_hash AS SecretHash,
                   (revoked_at IS NOT NULL OR (expires_at IS NOT NULL AND expires_at <= now())
                    OR (max_uses IS NOT NULL AND uses >= max_uses)) AS Unusable
            FROM claim_tokens WHERE claim_id = @claimId
            """,
            new { claimId },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    /// <summary>Usernames of devices and claims that may no longer hold a session (for sweeping live connections).</summary>
    public async Task<HashSet<string>> FindBarredUsernamesAsync(IReadOnlyCollection<string> usernames, CancellationToken cancellationToken)
    {
        if (usernames.Count == 0)
        {
            return [];
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<string>(new CommandDefinition(
            """
            SELECT u FROM unnest(@usernames) AS u
            WHERE NOT EXISTS (SELECT 1 FROM devices d
                              WHERE d.device_id = substr(u, strpos(u, '.') + 1) AND d.tenant_id = split_part(u, '.', 1)
                                AND d.revoked_at IS NULL AND d.enabled)
              AND NOT EXISTS (SELECT 1 FROM claim_tokens c
                              WHERE u LIKE 'claim.%' AND c.claim_id = substr(u, 7) AND c.revoked_at IS NULL
                                AND (c.expires_at IS NULL OR c.expires_at > now()))
            """,
            new { usernames = usernames.ToArray() },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return rows.ToHashSet(StringComparer.Ordinal);
    }
}

public sealed record DeviceCredential(string? SecretHash, string? PendingSecretHash, bool Revoked);

public sealed record ClaimCredential(string SecretHash, bool Unusable);
