using Iot.TestSupport;
using Iot.Cloud.Bridge.Broker;
using Iot.Cloud.Bridge.Broker.Dynsec;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Iot.Broker.Tests.Infrastructure;

public static class Reconcilers
{
    /// <summary>The reconciler as the bridge registers it in External mode with <c>Broker:Dynsec:Enabled</c>.</summary>
    public static DynsecReconciler For(DynsecMosquitto broker, TestFleet fleet, NpgsqlDataSource dataSource)
    {
        var options = new BrokerOptions
        {
            Mode = BrokerMode.External,
            Host = "127.0.0.1",
            Port = broker.Port,
            ServiceAccounts = new(StringComparer.Ordinal) { ["ops"] = fleet.OpsSecret, ["provisioning"] = fleet.ProvisioningSecret, ["bridge"] = fleet.BridgeSecret },
            Dynsec = new DynsecOptions { Enabled = true, AdminUsername = "admin", AdminPassword = broker.AdminPassword, SecretKey = fleet.SealingKey },
        };
        return new DynsecReconciler(new DesiredDynsecState(dataSource), Options.Create(options), TimeProvider.System, NullLogger<DynsecReconciler>.Instance);
    }
}
