using Iot.Broker.Tests.Infrastructure;
using Iot.Cloud.Bridge.Broker;
using Iot.Cloud.Bridge.Broker.Dynsec;
using Iot.Cloud.Bridge.Hosting;
using Iot.Cloud.Bridge.Ingest;
using Iot.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Iot.Broker.Tests;

public sealed class BridgeWithMosquittoTests
{
    [Fact]
    public async Task A_bridge_with_dynsec_enabled_fills_Mosquitto_at_start_subscribes_as_svc_bridge_and_kicks_on_revocation()
    {
        var fleet = new TestFleet();
        var db = await fleet.CreateDatabaseAsync();
        await using var broker = await DynsecMosquitto.StartAsync();
        using var storage = new TempDirectory("broker-store");
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        using var host = BridgeHost.CreateBuilder([], new Dictionary<string, string?>
        {
            ["Broker:Mode"] = "External",
            ["Broker:Port"] = broker.Port.ToString(inv),
            ["Broker:Username"] = "svc.bridge",
            ["Broker:Password"] = fleet.BridgeSecret,
            ["Broker:ServiceAccounts:bridge"] = fleet.BridgeSecret,
            ["Broker:Dynsec:Enabled"] = "true",
            ["Broker:Dynsec:AdminPassword"] = broker.AdminPassword,
            ["Broker:Dynsec:SecretKey"] = fleet.SealingKey,
            ["Database:ConnectionString"] = db.ConnectionString,
            ["Storage:Root"] = storage.Path,
            ["Serilog:MinimumLevel:Default"] = "Error",
        }).Build();
        await host.StartAsync();
        try
        {
            // svc.bridge only exists in Mosquitto once the reconciler pushed it; the bridge retries until then.
            await host.Services.GetRequiredService<BridgeConnection>().Subscribed.WaitAsync(TimeSpan.FromSeconds(30));
            var reconciler = host.Services.GetRequiredService<DynsecReconciler>();
            await Eventually.WaitAsync(() => Task.FromResult(reconciler.Passes >= 1), TimeSpan.FromSeconds(10), "the start-up reconcile pass to finish");
            await using var a = await MqttProbe.ConnectOrFailAsync(broker.Port, TestFleet.UserA, fleet.SecretA, TestFleet.UserA);

            // Revocation through the same interface provisioning uses with the embedded broker.
            await db.RevokeDeviceAsync(TestFleet.Tenant, TestFleet.DeviceA);
            await host.Services.GetRequiredService<IDeviceSessionControl>().KickAsync(TestFleet.UserA, CancellationToken.None);
            await a.Disconnected.WaitAsync(TimeSpan.FromSeconds(5));
        }
        finally
        {
            await host.StopAsync(TimeSpan.FromSeconds(10));
        }
    }
}
