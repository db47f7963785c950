using System.Collections.Concurrent;
using Dapper;
using Iot.Provisioning.Admin;
using Npgsql;

namespace Iot.Cloud.Bridge.Persistence;

/// <summary>
/// Answers "is this a registered, enabled, unrevoked device of this tenant?" for every chunk. Answers are cached briefly:
/// positive ones longer, so a newly provisioned device is accepted within seconds and ingest costs no extra query.
/// </summary>
public sealed class DeviceRegistry(NpgsqlDataSource dataSource, TimeProvider time)
{
    private static readonly TimeSpan KnownTtl = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan UnknownTtl = TimeSpan.FromSeconds(3);
    private readonly ConcurrentDictionary<(string Tenant, string Device), (bool Known, long ExpiresTicks)> _cache = new();

    public async ValueTask<bool> IsKnownAsync(string tenantId, string deviceId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcTicks;
        if (_cache.TryGetValue((tenantId, deviceId), out var hit) && hit.ExpiresTicks > now)
        {
            return hit.Known;
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var known = await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            "SELECT EXISTS (SELECT 1 FROM devices WHERE device_id = @deviceId AND tenant_id = @tenantId AND enabled AND revoked_at IS NULL)",
            new { tenantId, deviceId },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        _cache[(tenantId, deviceId)] = (known, now + (known ? KnownTtl : UnknownTtl).Ticks);
        return known;
    }

    /// <summary>Registers a device (and its tenant) if missing; used by seeding and tests until provisioning owns this.</summary>
    public async Task EnsureAsync(string tenantId, string deviceId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await TenantRows.EnsureAsync(connection, tx, tenantId, cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO devices (device_id, tenant_id) VALUES (@deviceId, @tenantId) ON CONFLICT DO NOTHING",
            new { tenantId, deviceId },
            tx,
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        _cache.TryRemove((tenantId, deviceId), out _);
    }
}
