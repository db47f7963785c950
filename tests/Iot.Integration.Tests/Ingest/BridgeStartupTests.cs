using Iot.Cloud.Data;
using Dapper;
using Iot.Cloud.Bridge.Hosting;
using Iot.Integration.Tests.Infrastructure;
using Iot.TestSupport;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Iot.Integration.Tests.Ingest;

[Collection(SystemCollection.Name)]
public class BridgeStartupTests(PostgresServer postgres)
{
    [Theory]
    [InlineData("Database:ConnectionString", "", "Database:ConnectionString")]
    [InlineData("Database:ConnectionString", "Host=x;Bogus Key=1", "Database:ConnectionString")]
    [InlineData("Broker:Port", "0", "Broker:Port")]
    [InlineData("Broker:ListenAddress", "not-an-ip", "Broker:ListenAddress")]
    [InlineData("Broker:Tls:KeyFile", "/etc/hostname", "Broker:Tls:KeyFile")]
    [InlineData("Broker:Tls:Port", "0", "Broker:Tls:Port")]
    [InlineData("Bridge:InstanceId", "Bridge One", "Bridge:InstanceId")]
    [InlineData("Bridge:IngestWorkers", "0", "Bridge:IngestWorkers")]
    [InlineData("Bridge:StoreAheadBatches", "9", "Bridge:StoreAheadBatches")]
    [InlineData("Bridge:SeedDevices:0", "no-slash", "Bridge:SeedDevices:0")]
    [InlineData("Storage:Root", "", "Storage:Root")]
    [InlineData("Storage:Kind", "S3", "Storage:S3:Bucket must be set")]
    public async Task A_bad_setting_stops_start_up_and_names_its_key(string key, string value, string named)
    {
        using var dir = new TempDirectory();
        var settings = new Dictionary<string, string?>
        {
            ["Database:ConnectionString"] = postgres.AdminConnectionString,
            ["Storage:Root"] = dir.Path,
            ["Broker:Port"] = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Serilog:MinimumLevel:Default"] = "Fatal",
            [key] = value,
        };
        using var host = BridgeHost.CreateBuilder([], settings).Build();

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(ex.Failures, f => f.StartsWith(named, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("OpenTelemetry:Otlp:Endpoint", "collector:4318", "OpenTelemetry:Otlp:Endpoint")]
    [InlineData("OpenTelemetry:Otlp:Endpoint", "http://collector:4318/?key=1", "OpenTelemetry:Otlp:Endpoint")]
    [InlineData("OpenTelemetry:Otlp:Endpoint", "https://user:pw@collector:4318", "OpenTelemetry:Otlp:Endpoint (not shown")]
    [InlineData("OpenTelemetry:ServiceInstanceId", "", "OpenTelemetry:ServiceInstanceId")]
    [InlineData("Serilog:Format", "pretty", "Serilog:Format 'pretty'")]
    public void A_bad_telemetry_setting_stops_the_bridge_before_it_starts_and_names_its_key(string key, string value, string named)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Database:ConnectionString"] = postgres.AdminConnectionString,
            ["OpenTelemetry:Otlp:Endpoint"] = "http://127.0.0.1:4318",
            [key] = value,
        };

        // Thrown while the host is composed: whether the SDK is registered at all depends on these settings.
        var ex = Assert.Throws<OptionsValidationException>(() => BridgeHost.CreateBuilder([], settings));

        Assert.Contains(ex.Failures, f => f.StartsWith(named, StringComparison.Ordinal));
        Assert.DoesNotContain(ex.Failures, f => f.Contains("pw@", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Restarting_the_bridge_applies_no_migration_twice_and_keeps_the_data()
    {
        using var dir = new TempDirectory();
        var db = await postgres.CreateDatabaseAsync();
        var settings = new BridgeSettings(db, dir.Path, FreePort.Next(), External: false) { SeedDevices = ["acme/pos-1"] };

        await (await BridgeNode.StartAsync(settings)).DisposeAsync();
        await using (var c = new NpgsqlConnection(db))
        {
            await c.ExecuteAsync("INSERT INTO devices (device_id, tenant_id) VALUES ('pos-9', 'acme')");
        }

        await (await BridgeNode.StartAsync(settings with { BrokerPort = FreePort.Next() })).DisposeAsync();

        await using var check = new NpgsqlConnection(db);
        var scripts = typeof(Iot.Cloud.Data.DatabaseMigrator).Assembly.GetManifestResourceNames().Count(n => n.Contains(".Migrations.", StringComparison.Ordinal));
        Assert.True(scripts >= 2);
        Assert.Equal(scripts, await check.ExecuteScalarAsync<int>("SELECT count(*) FROM schemaversions"));
        Assert.Equal(2, await check.ExecuteScalarAsync<int>("SELECT count(*) FROM devices"));
    }

    [Fact]
    public async Task A_database_migrated_before_the_scripts_moved_assembly_is_upgraded_without_rerunning_old_scripts()
    {
        using var dir = new TempDirectory();
        var db = await postgres.CreateDatabaseAsync();
        var settings = new BridgeSettings(db, dir.Path, FreePort.Next(), External: false) { SeedDevices = ["acme/pos-1"] };
        await (await BridgeNode.StartAsync(settings)).DisposeAsync();
        await using (var c = new NpgsqlConnection(db))
        {
            // What a session-1 deployment has: the first six scripts recorded under the bridge assembly's names, the rest not yet applied.
            await c.ExecuteAsync("UPDATE schemaversions SET scriptname = replace(scriptname, 'Iot.Cloud.Data.Migrations.', 'Iot.Cloud.Bridge.Persistence.Migrations.') WHERE scriptname < 'Iot.Cloud.Data.Migrations.0007'");
            await c.ExecuteAsync("DELETE FROM schemaversions WHERE scriptname LIKE 'Iot.Cloud.Data.Migrations.0030%'");
            await c.ExecuteAsync("ALTER TABLE devices DROP COLUMN rotation_accepted_at");
        }

        await (await BridgeNode.StartAsync(settings with { BrokerPort = FreePort.Next() })).DisposeAsync();

        await using var check = new NpgsqlConnection(db);
        var scripts = typeof(Iot.Cloud.Data.DatabaseMigrator).Assembly.GetManifestResourceNames().Count(n => n.Contains(".Migrations.", StringComparison.Ordinal));
        Assert.Equal(scripts, await check.ExecuteScalarAsync<int>("SELECT count(*) FROM schemaversions WHERE scriptname LIKE 'Iot.Cloud.Data.Migrations.%'"));
        Assert.Equal(1, await check.ExecuteScalarAsync<int>("SELECT count(*) FROM information_schema.columns WHERE table_name = 'devices' AND column_name = 'rotation_accepted_at'"));
    }

    [Fact]
    public async Task Two_bridges_starting_together_on_an_empty_database_both_come_up()
    {
        using var dir = new TempDirectory();
        var db = await postgres.CreateDatabaseAsync();

        var nodes = await Task.WhenAll(
            BridgeNode.StartAsync(new BridgeSettings(db, dir.Path, FreePort.Next(), External: false) { InstanceId = "a" }),
            BridgeNode.StartAsync(new BridgeSettings(db, dir.Path, FreePort.Next(), External: false) { InstanceId = "b" }));

        foreach (var node in nodes)
        {
            Assert.True(node.Connection.IsConnected);
            await node.DisposeAsync();
        }
    }
}
