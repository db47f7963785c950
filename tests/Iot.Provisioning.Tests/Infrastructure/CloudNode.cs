using System.Globalization;
using Dapper;
using Iot.Cloud.Bridge.Hosting;
using Iot.Cloud.Bridge.Ingest;
using Iot.Provisioning.Admin;
using Iot.Provisioning.Api;
using Iot.Provisioning.Messaging;
using Iot.Provisioning.Storage;
using Iot.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace Iot.Provisioning.Tests.Infrastructure;

/// <summary>A real bridge (embedded broker, real PostgreSQL) with provisioning, in the test process.</summary>
public sealed class CloudNode : IAsyncDisposable
{
    public const string Tenant = "acme";
    public const string Branch = "north";
    private readonly IHost _host;
    private readonly TempDirectory _storage;

    private CloudNode(IHost host, TempDirectory storage, int port, string connectionString)
    {
        _host = host;
        _storage = storage;
        Port = port;
        ConnectionString = connectionString;
    }

    public int Port { get; }

    public string ConnectionString { get; }

    public IServiceProvider Services => _host.Services;

    public ProvisioningAdmin Admin => Services.GetRequiredService<ProvisioningAdmin>();

    public ProvisioningStore Store => Services.GetRequiredService<ProvisioningStore>();

    /// <summary>The svc.provisioning secret the embedded broker is given, so iotctl can log in as that service.</summary>
    public const string ProvisioningSecret = "provisioning-test-secret";

    /// <summary>iotctl's token: an operator caller of every tenant.</summary>
    public const string OpsToken = "ops-test-token-0123456789abcdef0123";

    /// <summary>The dashboard's token: acts for any tenant, stating the staff user's tenant, branches and e-mail.</summary>
    public const string DashboardToken = "dashboard-test-token-0123456789abcdef";

    /// <summary>The operator API's bound address.</summary>
    public Uri ApiUrl => Services.GetRequiredService<ProvisioningApiHost>().BaseAddress ?? throw new InvalidOperationException("the operator API is not listening");

    /// <summary>A 0600 file holding <see cref="OpsToken"/>, as an operator keeps it.</summary>
    public string OpsTokenFile => System.IO.Path.Combine(_storage.Path, "ops.token");

    /// <summary><paramref name="authentication"/> false = the broker checks nobody, as with an external broker that cannot tell claims apart.</summary>
    public static async Task<CloudNode> StartAsync(IDictionary<string, string?>? extra = null, bool authentication = true)
    {
        var connectionString = await PostgresServer.CreateDatabaseAsync();
        var port = FreePort.Next();
        var storage = new TempDirectory();
        var overrides = new Dictionary<string, string?>
        {
            ["Broker:Mode"] = "Embedded",
            ["Broker:Port"] = port.ToString(CultureInfo.InvariantCulture),
            ["Broker:ListenAddress"] = "127.0.0.1",
            ["Database:ConnectionString"] = connectionString,
            ["Storage:Root"] = storage.Path,
            ["Serilog:MinimumLevel:Default"] = "Error",
            ["Metrics:Port"] = "0",
            ["Provisioning:PendingRetrySeconds"] = "5",
            ["Provisioning:CommandSweepSeconds"] = "1",
            ["Broker:RequireAuthentication"] = authentication ? "true" : "false",
            ["Broker:ServiceAccounts:provisioning"] = ProvisioningSecret,
            ["ProvisioningApi:Port"] = "0",
            ["ProvisioningApi:Callers:ops:TokenSha256"] = ApiCallers.HashHex(OpsToken),
            ["ProvisioningApi:Callers:ops:Tenant"] = "*",
            ["ProvisioningApi:Callers:dashboard:TokenSha256"] = ApiCallers.HashHex(DashboardToken),
            ["ProvisioningApi:Callers:dashboard:Tenant"] = "*",
            ["ProvisioningApi:Callers:dashboard:ActsForStaff"] = "true",
        };
        foreach (var (k, v) in extra ?? new Dictionary<string, string?>())
        {
            overrides[k] = v;
        }

        var host = BridgeHost.CreateBuilder([], overrides).Build();
        await host.StartAsync();
        await host.Services.GetRequiredService<BridgeConnection>().Subscribed.WaitAsync(TimeSpan.FromSeconds(20));
        await host.Services.GetRequiredService<ProvisioningConnection>().Subscribed.WaitAsync(TimeSpan.FromSeconds(20));
        var node = new CloudNode(host, storage, port, connectionString);
        await File.WriteAllTextAsync(node.OpsTokenFile, OpsToken);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(node.OpsTokenFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        await node.Admin.EnsureTenantAsync(Tenant, ReprovisionPolicy.AutoKnownHardware, CancellationToken.None);
        await node.Admin.EnsureBranchAsync(Tenant, Branch, "North store", CancellationToken.None);
        return node;
    }

    public Task<ClaimToken> CreateClaimAsync(int? maxUses = null, DateTimeOffset? expires = null) =>
        Admin.CreateClaimAsync(Tenant, Branch, maxUses, expires, CancellationToken.None);

    /// <summary>Preregisters <paramref name="serial"/> and lets a device collect its credentials.</summary>
    public async Task<Iot.Protocol.Provisioning.DeviceCredentials> ProvisionAsync(string serial, string deviceId, string? recoveryKey = null)
    {
        var import = await Admin.PreregisterAsync(new StringReader($"{serial},{Tenant},{Branch},{deviceId},"), CancellationToken.None);
        Assert.True(import.Succeeded, string.Join("; ", import.Errors));
        await using var device = await FakeDevice.ClaimAsync(Port, serial, await CreateClaimAsync());
        device.RecoveryKey = recoveryKey;
        var answer = await device.AskAsync();
        Assert.Equal(Iot.Protocol.Provisioning.ProvisionStatus.Approved, answer.Status);
        return answer.Credentials!;
    }

    public async Task<T?> ScalarAsync<T>(string sql, object? args = null)
    {
        await using var c = new NpgsqlConnection(ConnectionString);
        return await c.ExecuteScalarAsync<T>(sql, args);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync(TimeSpan.FromSeconds(10));
        _host.Dispose();
        _storage.Dispose();
    }
}
