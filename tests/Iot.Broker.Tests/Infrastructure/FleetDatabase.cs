using Iot.Cloud.Data;
using Dapper;
using Iot.Cloud.Bridge.Broker.Dynsec;
using Iot.Cloud.Bridge.Broker.Security;
using Iot.Cloud.Bridge.Persistence;
using Iot.Protocol.Provisioning;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Iot.Broker.Tests.Infrastructure;

/// <summary>A fresh database with the bridge's migrations, and the credential rows provisioning would write.</summary>
public sealed class FleetDatabase
{
    public const string EnvironmentVariable = "IOT_TEST_DATABASE_URL";
    private static int _counter;

    private FleetDatabase(string connectionString, SecretSealer sealer)
    {
        ConnectionString = connectionString;
        Sealer = sealer;
    }

    public string ConnectionString { get; }

    public SecretSealer Sealer { get; }

    public static async Task<FleetDatabase> CreateAsync(string sealingKey)
    {
        var value = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new InvalidOperationException($"{EnvironmentVariable} is not set. Run tests/test.sh (it starts a throwaway PostgreSQL) or point it at a server you own.");
        }

        var admin = ConnectionStrings.Normalize(value);
        var name = $"iot_broker_{Environment.ProcessId}_{Interlocked.Increment(ref _counter)}_{Guid.NewGuid().ToString("n")[..6]}";
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync();
            await connection.ExecuteAsync($"CREATE DATABASE \"{name}\"");
        }

        var cs = new NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString;
        await using (var dataSource = NpgsqlDataSource.Create(cs))
        {
            await new DatabaseMigrator(dataSource, NullLogger<DatabaseMigrator>.Instance).MigrateAsync(CancellationToken.None);
        }

        return new FleetDatabase(cs, SecretSealer.FromBase64(sealingKey));
    }

    public async Task AddDeviceAsync(string tenant, string device, string secret, string? pendingSecret = null, bool revoked = false)
    {
        await ExecuteAsync(
            """
            INSERT INTO tenants (tenant_id, name) VALUES (@tenant, @tenant) ON CONFLICT DO NOTHING;
            INSERT INTO devices (device_id, tenant_id, secret_hash, pending_secret_hash, secret_sealed, revoked_at)
            VALUES (@device, @tenant, @hash, @pending, @sealed, CASE WHEN @revoked THEN now() END);
            """,
            new
            {
                tenant, device, revoked,
                hash = SecretHash.Create(secret, 10_000),
                pending = pendingSecret is null ? null : SecretHash.Create(pendingSecret, 10_000),
                @sealed = Sealer.Seal(MqttIdentities.Device(tenant, device), secret),
            });
    }

    public async Task AddClaimAsync(string claimId, string tenant, string secret, int? maxUses = null, int uses = 0)
    {
        await ExecuteAsync(
            """
            INSERT INTO tenants (tenant_id, name) VALUES (@tenant, @tenant) ON CONFLICT DO NOTHING;
            INSERT INTO claim_tokens (claim_id, tenant_id, secret_hash, max_uses, uses, expires_at, secret_sealed)
            VALUES (@claimId, @tenant, @hash, @maxUses, @uses, now() + interval '1 day', @sealed);
            """,
            new { claimId, tenant, maxUses, uses, hash = SecretHash.Create(secret, 10_000), @sealed = Sealer.Seal(MqttIdentities.ClaimUser(claimId), secret) });
    }

    public Task PreregisterAsync(string serial, string tenant) =>
        ExecuteAsync("INSERT INTO preregistrations (serial, tenant_id) VALUES (@serial, @tenant)", new { serial, tenant });

    public Task RevokeDeviceAsync(string tenant, string device) =>
        ExecuteAsync("UPDATE devices SET revoked_at = now() WHERE tenant_id = @tenant AND device_id = @device", new { tenant, device });

    private async Task ExecuteAsync(string sql, object args)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.ExecuteAsync(sql, args);
    }
}
