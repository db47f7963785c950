using Iot.Cloud.Bridge.Broker;
using Iot.Cloud.Bridge.Broker.Security;
using Iot.Cloud.Bridge.Hosting;
using Iot.Cloud.Bridge.Ingest;
using Iot.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Iot.Broker.Tests.Infrastructure;

/// <summary>The whole bridge with its embedded broker, authentication on (the default), as shipped.</summary>
public sealed class EmbeddedBrokerHost : IAsyncDisposable
{
    private readonly IHost _host;
    private readonly TempDirectory _storage;

    private EmbeddedBrokerHost(IHost host, TempDirectory storage, int port)
    {
        _host = host;
        _storage = storage;
        Port = port;
    }

    public int Port { get; }

    public BrokerSecurityMetrics Metrics => _host.Services.GetRequiredService<BrokerSecurityMetrics>();

    /// <summary>The svc.bridge secret the host minted for itself (zero configuration), for watchers that read chunks.</summary>
    public string BridgeSecret => _host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Iot.Cloud.Bridge.Broker.BrokerOptions>>().Value.ServiceAccounts["bridge"];

    public IDeviceSessionControl Sessions => _host.Services.GetRequiredService<IDeviceSessionControl>();

    public static async Task<EmbeddedBrokerHost> StartAsync(FleetDatabase db, TestFleet fleet)
    {
        var port = FreePort.Next();
        var storage = new TempDirectory("broker-store");
        var builder = BridgeHost.CreateBuilder([], new Dictionary<string, string?>
        {
            ["Broker:Mode"] = "Embedded",
            ["Broker:Port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Broker:ListenAddress"] = "127.0.0.1",
            ["Broker:ServiceAccounts:ops"] = fleet.OpsSecret,
            ["Broker:ServiceAccounts:provisioning"] = fleet.ProvisioningSecret,
            ["Database:ConnectionString"] = db.ConnectionString,
            ["Storage:Root"] = storage.Path,
            ["Serilog:MinimumLevel:Default"] = "Error",
            ["Metrics:Port"] = "0",
            // Likewise the provisioning API: on its default port a second bridge logs an error (tests assert none).
            ["ProvisioningApi:Port"] = "0",
        });
        var host = builder.Build();
        await host.StartAsync();
        // The bridge's own client got a generated svc.bridge secret: being subscribed proves zero-config still works.
        await host.Services.GetRequiredService<BridgeConnection>().Subscribed.WaitAsync(TimeSpan.FromSeconds(20));
        return new EmbeddedBrokerHost(host, storage, port);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync(TimeSpan.FromSeconds(10));
        _host.Dispose();
        _storage.Dispose();
    }
}
