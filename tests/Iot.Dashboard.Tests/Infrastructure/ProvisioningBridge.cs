using System.Globalization;
using Iot.Cloud.Bridge.Hosting;
using Iot.Cloud.Bridge.Ingest;
using Iot.Provisioning.Api;
using Iot.Provisioning.Messaging;
using Iot.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Iot.Dashboard.Tests.Infrastructure;

/// <summary>
/// A real bridge over the dashboard's database: embedded broker (open, so a test client can listen as the devices),
/// provisioning, and the operator API with a <c>dashboard</c> caller, which the dashboard under test calls for every action.
/// </summary>
public sealed class ProvisioningBridge : IAsyncDisposable
{
    public const string DashboardToken = "dashboard-test-token-0123456789abcdef";

    private readonly IHost _host;
    private readonly TempDirectory _storage;

    private ProvisioningBridge(IHost host, TempDirectory storage, int brokerPort)
    {
        _host = host;
        _storage = storage;
        BrokerPort = brokerPort;
    }

    public int BrokerPort { get; }

    public IServiceProvider Services => _host.Services;

    public Uri ApiUrl => Services.GetRequiredService<ProvisioningApiHost>().BaseAddress ?? throw new InvalidOperationException("the operator API is not listening");

    public static async Task<ProvisioningBridge> StartAsync(string connectionString)
    {
        var port = FreePort.Next();
        var storage = new TempDirectory("iot-dash-bridge");
        var host = BridgeHost.CreateBuilder([], new Dictionary<string, string?>
        {
            ["Broker:Mode"] = "Embedded",
            ["Broker:Port"] = port.ToString(CultureInfo.InvariantCulture),
            ["Broker:ListenAddress"] = "127.0.0.1",
            ["Broker:RequireAuthentication"] = "false",
            ["Database:ConnectionString"] = connectionString,
            ["Storage:Root"] = storage.Path,
            ["Serilog:MinimumLevel:Default"] = "Error",
            ["Metrics:Port"] = "0",
            ["Pipeline:Workers:Enabled"] = "false",
            ["Provisioning:CommandSweepSeconds"] = "1",

            // The dashboard tests write alerts straight into PostgreSQL as the evaluator would. A live evaluator pass
            // (every 30 s by default) resolves every open alert whose rule is not firing, so a test slower than the
            // next tick saw its seeded alerts vanish (the bell and device-page browser tests, under load). The
            // evaluator's own behaviour is tested in Iot.Provisioning.Tests.
            ["Alerts:EvaluateSeconds"] = "3600",
            ["ProvisioningApi:Port"] = "0",
            ["ProvisioningApi:Callers:dashboard:TokenSha256"] = ApiCallers.HashHex(DashboardToken),
            ["ProvisioningApi:Callers:dashboard:Tenant"] = "*",
            ["ProvisioningApi:Callers:dashboard:ActsForStaff"] = "true",
        }).Build();
        await host.StartAsync();
        await host.Services.GetRequiredService<BridgeConnection>().Subscribed.WaitAsync(TimeSpan.FromSeconds(30));
        await host.Services.GetRequiredService<ProvisioningConnection>().Subscribed.WaitAsync(TimeSpan.FromSeconds(30));
        return new ProvisioningBridge(host, storage, port);
    }

    /// <summary>Dashboard settings that point it at this bridge's operator API.</summary>
    public void Configure(IDictionary<string, string?> dashboardSettings)
    {
        dashboardSettings["Dashboard:ProvisioningApi:Url"] = ApiUrl.ToString();
        dashboardSettings["Dashboard:ProvisioningApi:Token"] = DashboardToken;
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync(TimeSpan.FromSeconds(10));
        _host.Dispose();
        _storage.Dispose();
    }
}
