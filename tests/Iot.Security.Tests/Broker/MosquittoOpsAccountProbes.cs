using System.Security.Cryptography;
using Iot.Cloud.Bridge.Broker;
using Iot.Cloud.Bridge.Broker.Dynsec;
using Iot.Protocol.Provisioning;
using Iot.Protocol.Topics;
using Iot.Security.Tests.Infrastructure;
using Iot.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MQTTnet;
using Npgsql;
using Xunit.Abstractions;
using static Iot.Security.Tests.Infrastructure.ProvisioningCloud;

namespace Iot.Security.Tests.Broker;

/// <summary>
/// Issue 15, medium, on Mosquitto: the dynsec role the bridge writes for svc.ops (from the same AccessRules as the
/// embedded broker) grants status, telemetry and fleet summaries only, never provisioning responses or cmd topics.
/// </summary>
public sealed class MosquittoOpsAccountProbes(ITestOutputHelper output)
{
    [Fact]
    public async Task The_ops_role_the_bridge_writes_into_mosquitto_dynsec_refuses_every_secret_bearing_filter()
    {
        using var run = new ProvisioningProbeRun(output);
        await using var cloud = await StartAsync();
        await using var dataSource = NpgsqlDataSource.Create(cloud.ConnectionString);
        await using var broker = await DynsecMosquitto.StartAsync();
        var options = new BrokerOptions
        {
            Mode = BrokerMode.External,
            Host = "127.0.0.1",
            Port = broker.Port,
            ServiceAccounts = new(StringComparer.Ordinal) { ["ops"] = OpsSecret },
            Dynsec = new DynsecOptions { Enabled = true, AdminUsername = "admin", AdminPassword = broker.AdminPassword, SecretKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) },
        };
        var reconciler = new DynsecReconciler(new DesiredDynsecState(dataSource), Options.Create(options), TimeProvider.System, NullLogger<DynsecReconciler>.Instance);
        Assert.True(await reconciler.ReconcileAsync(CancellationToken.None) > 0);

        await using var ops = await ProvisioningDevice.AsServiceAsync(broker.Port, "svc.ops", OpsSecret, "ops-mosquitto-1");
        foreach (var filter in new[]
                 {
                     "#", "iot/#", ProvisioningTopics.Prefix + "#", ProvisioningTopics.Prefix + "+/response", ProvisioningTopics.Response("sn-1"),
                     TopicTree.Prefix + "#", TopicTree.Prefix + "+/+/cmd", TopicTree.Cmd(Victim, "till-1"), TopicTree.Prefix + "+/+/+",
                     "$share/ops/" + TopicTree.Prefix + "+/+/cmd",
                 })
        {
            var code = await ops.TrySubscribeAsync(filter);
            run.Record($"svc.ops SUBSCRIBE {filter} on Mosquitto dynsec", code is not (MqttClientSubscribeResultCode.GrantedQoS0 or MqttClientSubscribeResultCode.GrantedQoS1 or MqttClientSubscribeResultCode.GrantedQoS2), code.ToString());
        }

        foreach (var filter in new[] { TopicTree.Prefix + "+/+/status", TopicTree.Prefix + "+/+/telemetry", "iot/fleet/v1/#", "iot/alerts/v1/#" })
        {
            Assert.Equal(MqttClientSubscribeResultCode.GrantedQoS1, await ops.TrySubscribeAsync(filter));
        }
    }
}
