using System.Globalization;
using Iot.Cloud.Bridge.Hosting;
using Iot.Cloud.Bridge.Ingest;
using Iot.Provisioning.Api;
using Iot.Provisioning.Messaging;
using Iot.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Iot.Security.Tests.Infrastructure;

/// <summary>
/// <see cref="DashboardHost"/> whose actions and job views go to a real bridge's operator API over the same database, as
/// in production: the route matrix then probes the bridge's scoping too (jobs have no local read path to fall back on).
/// </summary>
public sealed class DashboardWithOperatorApiHost : DashboardHost
{
    private const string DashboardToken = "dashboard-matrix-token-0123456789abcdef";

    private IHost? _bridge;
    private TempDirectory? _bridgeStorage;

    protected override async Task<IReadOnlyDictionary<string, string?>> StartDependenciesAsync(string connectionString)
    {
        var port = FreePort.Next();
        _bridgeStorage = new TempDirectory("iot-sec-bridge");
        _bridge = BridgeHost.CreateBuilder([], new Dictionary<string, string?>
        {
            ["Broker:Mode"] = "Embedded",
            ["Broker:Port"] = port.ToString(CultureInfo.InvariantCulture),
            ["Broker:ListenAddress"] = "127.0.0.1",
            ["Broker:RequireAuthentication"] = "false",
            ["Database:ConnectionString"] = connectionString,
            ["Storage:Root"] = _bridgeStorage.Path,
            ["Serilog:MinimumLevel:Default"] = "Error",
            ["Metrics:Port"] = "0",
            ["Pipeline:Workers:Enabled"] = "false",
            ["ProvisioningApi:Port"] = "0",
            ["ProvisioningApi:Callers:dashboard:TokenSha256"] = ApiCallers.HashHex(DashboardToken),
            ["ProvisioningApi:Callers:dashboard:Tenant"] = "*",
            ["ProvisioningApi:Callers:dashboard:ActsForStaff"] = "true",
        }).Build();
        await _bridge.StartAsync();
        await _bridge.Services.GetRequiredService<BridgeConnection>().Subscribed.WaitAsync(TimeSpan.FromSeconds(30));
        await _bridge.Services.GetRequiredService<ProvisioningConnection>().Subscribed.WaitAsync(TimeSpan.FromSeconds(30));
        var api = _bridge.Services.GetRequiredService<ProvisioningApiHost>().BaseAddress ?? throw new InvalidOperationException("the operator API is not listening");
        return new Dictionary<string, string?>
        {
            ["Dashboard:ProvisioningApi:Url"] = api.ToString(),
            ["Dashboard:ProvisioningApi:Token"] = DashboardToken,
        };
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (_bridge is not null)
        {
            await _bridge.StopAsync(TimeSpan.FromSeconds(10));
            _bridge.Dispose();
        }

        _bridgeStorage?.Dispose();
    }
}
