using System.Globalization;
using Dapper;
using Iot.Cloud.Bridge.Hosting;
using Iot.Cloud.Bridge.Ingest;
using Iot.Protocol.Provisioning;
using Iot.Provisioning.Admin;
using Iot.Provisioning.Api;
using Iot.Provisioning.Messaging;
using Iot.Provisioning.Storage;
using Iot.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace Iot.Security.Tests.Infrastructure;

/// <summary>
/// A real bridge (embedded broker, provisioning, real PostgreSQL) with two tenants: <see cref="Victim"/> owns devices,
/// <see cref="Attacker"/> holds nothing but a claim credential of its own (claim files sit on every device in the field).
/// </summary>
public sealed class ProvisioningCloud : IAsyncDisposable
{
    public const string Victim = "acme";
    public const string VictimBranch = "north";
    public const string Attacker = "evil";
    public const string AttackerBranch = "evil-hq";
    public const string ProvisioningSecret = "provisioning-probe-secret";
    public const string OpsSecret = "ops-probe-secret";

    /// <summary>Operator API callers: one bound to each tenant, and the dashboard (any tenant, states the staff scope).</summary>
    public const string VictimOpsToken = "victim-ops-probe-token-0123456789abcdef";
    public const string AttackerOpsToken = "attacker-ops-probe-token-0123456789abcdef";
    public const string DashboardToken = "dashboard-probe-token-0123456789abcdef";

    private readonly IHost _host;
    private readonly TempDirectory _storage;

    private ProvisioningCloud(IHost host, TempDirectory storage, int port, string connectionString)
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

    /// <summary>The operator API's bound address.</summary>
    public Uri ApiUrl => Services.GetRequiredService<ProvisioningApiHost>().BaseAddress ?? throw new InvalidOperationException("the operator API is not listening");

    /// <summary><paramref name="authentication"/> false: the broker checks nobody, as an external broker that cannot check claims.</summary>
    public static async Task<ProvisioningCloud> StartAsync(bool authentication = true, IDictionary<string, string?>? extra = null)
    {
        var connectionString = await TestDatabase.CreateAsync("iot_secprov", migrate: false, maxPoolSize: 20);
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
            ["Broker:ServiceAccounts:ops"] = OpsSecret,
            ["ProvisioningApi:Port"] = "0",
            ["ProvisioningApi:Callers:victim-ops:TokenSha256"] = ApiCallers.HashHex(VictimOpsToken),
            ["ProvisioningApi:Callers:victim-ops:Tenant"] = Victim,
            ["ProvisioningApi:Callers:attacker-ops:TokenSha256"] = ApiCallers.HashHex(AttackerOpsToken),
            ["ProvisioningApi:Callers:attacker-ops:Tenant"] = Attacker,
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
        var cloud = new ProvisioningCloud(host, storage, port, connectionString);
        foreach (var (tenant, branch) in new[] { (Victim, VictimBranch), (Attacker, AttackerBranch) })
        {
            await cloud.Admin.EnsureTenantAsync(tenant, ReprovisionPolicy.AutoKnownHardware, CancellationToken.None);
            await cloud.Admin.EnsureBranchAsync(tenant, branch, tenant + " branch", CancellationToken.None);
        }

        return cloud;
    }

    public static string BranchOf(string tenant) => tenant == Victim ? VictimBranch : AttackerBranch;

    public Task<ClaimToken> ClaimAsync(string tenant, int? maxUses = null, DateTimeOffset? expires = null) =>
        Admin.CreateClaimAsync(tenant, BranchOf(tenant), maxUses, expires, CancellationToken.None);

    public async Task PreregisterAsync(string tenant, string serial, string deviceId)
    {
        var import = await Admin.PreregisterAsync(new StringReader($"{serial},{tenant},{BranchOf(tenant)},{deviceId},"), CancellationToken.None);
        Assert.True(import.Succeeded, string.Join("; ", import.Errors));
    }

    /// <summary>A genuine device of <paramref name="tenant"/>: preregistered, provisioned with its own claim, optionally with a recovery key.</summary>
    public async Task<(DeviceCredentials Credentials, ProvisioningDevice Device)> ProvisionAsync(string tenant, string serial, string deviceId, string? recoveryKey = null)
    {
        await PreregisterAsync(tenant, serial, deviceId);
        var device = await ProvisioningDevice.ClaimAsync(Port, serial, await ClaimAsync(tenant));
        var answer = await device.AskAsync(device.Request() with { RecoveryKey = recoveryKey });
        Assert.Equal(ProvisionStatus.Approved, answer.Status);
        return (answer.Credentials!, device);
    }

    /// <summary>Moves every decision out of the window in which a retry counts as a lost approval answer.</summary>
    public Task AgeDecisionsAsync() =>
        Store.ExecuteAsync("UPDATE provisioning_requests SET decided_at = decided_at - interval '1 hour', received_at = received_at - interval '1 hour'", null, default);

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
