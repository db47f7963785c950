using System.Diagnostics;
using System.Security.Cryptography;
using Iot.Cloud.Bridge.Broker.Dynsec;
using Iot.Cloud.Bridge.Broker.Security;
using Iot.Cloud.Data;
using Iot.Protocol.Provisioning;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using NpgsqlTypes;

namespace Iot.Bench.Storm;

/// <summary>
/// The fleet's credentials as provisioning leaves them: per device a random secret, its PBKDF2 hash in
/// <c>devices.secret_hash</c> (what the embedded broker checks a CONNECT against) and the secret sealed for the
/// dynsec reconciler in <c>devices.secret_sealed</c> (what Mosquitto learns it from). Hashed once per run, written
/// into each topology's fresh database.
/// </summary>
internal sealed class StormFleet
{
    public const string Tenant = "storm";

    private readonly (string Hash, byte[] Sealed)[] _rows;

    private StormFleet(StormDevice[] devices, (string, byte[])[] rows, string sealingKey, TimeSpan hashing)
    {
        Devices = devices;
        _rows = rows;
        SealingKey = sealingKey;
        HashingTime = hashing;
    }

    public StormDevice[] Devices { get; }

    /// <summary>Base64 AES key the bridges' dynsec reconciler opens the sealed secrets with.</summary>
    public string SealingKey { get; }

    public TimeSpan HashingTime { get; }

    public static StormFleet Create(int count, int iterations)
    {
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var sealer = SecretSealer.FromBase64(key);
        var devices = Enumerable.Range(1, count).Select(i => new StormDevice(Tenant, $"sd-{i:D5}", Convert.ToBase64String(RandomNumberGenerator.GetBytes(18)))).ToArray();
        var rows = new (string, byte[])[count];
        var clock = Stopwatch.StartNew();
        Parallel.For(0, count, i =>
        {
            var d = devices[i];
            rows[i] = (SecretHash.Create(d.Secret, iterations), sealer.Seal(MqttIdentities.Device(d.Tenant, d.Device), d.Secret));
        });
        return new StormFleet(devices, rows, key, clock.Elapsed);
    }

    /// <summary>A fresh migrated database holding the fleet's tenant and devices.</summary>
    public async Task<(string ConnectionString, string Name)> CreateDatabaseAsync(string admin, CancellationToken ct)
    {
        var (db, name) = await BenchDatabase.CreateAsync(admin, "iot_storm");
        await using var dataSource = NpgsqlDataSource.Create(db);
        await new DatabaseMigrator(dataSource, NullLogger<DatabaseMigrator>.Instance).MigrateAsync(ct);
        await using var c = await dataSource.OpenConnectionAsync(ct);
        await using (var tenant = new NpgsqlCommand("INSERT INTO tenants (tenant_id, name) VALUES ($1, $1)", c) { Parameters = { new() { Value = Tenant } } })
        {
            await tenant.ExecuteNonQueryAsync(ct);
        }

        await using var insert = new NpgsqlCommand(
            """
            INSERT INTO devices (device_id, tenant_id, secret_hash, secret_sealed)
            SELECT d, $1, h, s FROM unnest($2::text[], $3::text[], $4::bytea[]) AS u(d, h, s)
            """, c)
        {
            Parameters =
            {
                new() { Value = Tenant },
                new() { Value = Devices.Select(d => d.Device).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text },
                new() { Value = _rows.Select(r => r.Hash).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text },
                new() { Value = _rows.Select(r => r.Sealed).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bytea },
            },
        };
        await insert.ExecuteNonQueryAsync(ct);
        return (db, name);
    }
}
