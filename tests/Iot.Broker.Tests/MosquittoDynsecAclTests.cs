using Iot.TestSupport;
using System.Text.Json.Nodes;
using Iot.Broker.Tests.Infrastructure;
using Iot.Cloud.Bridge.Broker.Dynsec;
using Iot.Protocol.Topics;
using MQTTnet;
using Npgsql;
using static Iot.Broker.Tests.Infrastructure.TestFleet;

namespace Iot.Broker.Tests;

public sealed class MosquittoDynsecAclTests
{
    private readonly TestFleet _fleet = new();

    [Fact]
    public async Task Reconciled_dynsec_refuses_every_forbidden_attempt_before_and_after_a_broker_restart()
    {
        var db = await _fleet.CreateDatabaseAsync();
        await using var dataSource = NpgsqlDataSource.Create(db.ConnectionString);
        await using var broker = await DynsecMosquitto.StartAsync();
        var reconciler = Reconcilers.For(broker, _fleet, dataSource);
        Assert.True(await reconciler.ReconcileAsync(CancellationToken.None) > 0);

        await ProbeAsync("Mosquitto dynsec");
        await broker.RestartAsync();
        await ProbeAsync("Mosquitto dynsec after restart");

        async Task ProbeAsync(string label)
        {
            await using var watcher = await FleetWatcher.ConnectAsync(broker.Port, _fleet, _fleet.BridgeSecret);
                var marker = "forbidden-" + Guid.NewGuid().ToString("n");
            var tally = new ProbeTally(label);

            await AclProbes.RefusalsAsync(broker.Port, _fleet, tally, marker, brokerBindsClientIdPatterns: false);
            await CliProbes.RefusalsAsync(broker, _fleet, tally, marker);

            await AclProbes.AssertNothingLeakedAsync(watcher, marker);
            tally.AssertAllRefused();
            await AclProbes.AllowedAsync(broker.Port, _fleet, watcher);
            await CliProbes.AllowedOverTlsAsync(broker, _fleet, watcher);
        }
    }

    [Fact]
    public async Task The_bridge_account_gets_its_shared_chunk_subscription_and_may_ack_any_device()
    {
        var db = await _fleet.CreateDatabaseAsync();
        await using var dataSource = NpgsqlDataSource.Create(db.ConnectionString);
        await using var broker = await DynsecMosquitto.StartAsync();
        await Reconcilers.For(broker, _fleet, dataSource).ReconcileAsync(CancellationToken.None);

        await using var bridge = await MqttProbe.ConnectOrFailAsync(broker.Port, "svc.bridge", _fleet.BridgeSecret, "bridge-1");
        await using var a = await MqttProbe.ConnectOrFailAsync(broker.Port, UserA, _fleet.SecretA, UserA);
        Assert.Equal(MqttClientSubscribeResultCode.GrantedQoS1, await bridge.SubscribeAsync(TopicTree.Shared(TopicTree.DefaultSharedGroup, TopicTree.AllChunks)));
        Assert.Equal(MqttClientSubscribeResultCode.GrantedQoS1, await a.SubscribeAsync(TopicTree.Ack(Tenant, DeviceA)));
        Assert.Equal(MqttClientPublishReasonCode.Success, await a.PublishAsync(TopicTree.Chunk(Tenant, DeviceA), "chunk"));
        Assert.Equal(MqttClientPublishReasonCode.Success, await bridge.PublishAsync(TopicTree.Ack(Tenant, DeviceA), "ack"));
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, await bridge.PublishAsync(TopicTree.Cmd(Tenant, DeviceA), "cmd"));

        await Iot.TestSupport.Eventually.WaitAsync(
            () => Task.FromResult(bridge.Received.Any(m => m.Payload == "chunk") && a.Received.Any(m => m.Payload == "ack")),
            TimeSpan.FromSeconds(5), "chunk at the bridge and ack at the device");
    }

    [Fact]
    public async Task Reconcile_restores_deleted_entries_removes_strays_and_kicks_a_revoked_device()
    {
        var db = await _fleet.CreateDatabaseAsync();
        await using var dataSource = NpgsqlDataSource.Create(db.ConnectionString);
        await using var broker = await DynsecMosquitto.StartAsync();
        var reconciler = Reconcilers.For(broker, _fleet, dataSource);
        await reconciler.ReconcileAsync(CancellationToken.None);
        Assert.Equal(0, await reconciler.ReconcileAsync(CancellationToken.None));

        await using (var control = await DynsecControl.ConnectAsync("127.0.0.1", broker.Port, "admin", broker.AdminPassword, "test-admin", TimeProvider.System, CancellationToken.None))
        {
            await control.ExecuteAsync(
                [
                    new JsonObject { ["command"] = "deleteClient", ["username"] = UserA },
                    new JsonObject { ["command"] = "deleteRole", ["rolename"] = DesiredDynsecState.RolePrefix + UserB },
                    new JsonObject { ["command"] = "createClient", ["username"] = "intruder", ["password"] = "intruder-password" },
                ],
                CancellationToken.None);
        }

        var (gone, code) = await MqttProbe.ConnectAsync(broker.Port, UserA, _fleet.SecretA, UserA);
        Assert.Null(gone);
        Assert.Equal(MqttClientConnectResultCode.NotAuthorized, code);

        Assert.True(await reconciler.ReconcileAsync(CancellationToken.None) >= 3);

        await using var a = await MqttProbe.ConnectOrFailAsync(broker.Port, UserA, _fleet.SecretA, UserA);
        await using (var b = await MqttProbe.ConnectOrFailAsync(broker.Port, UserB, _fleet.SecretB, UserB))
        {
            Assert.Equal(MqttClientSubscribeResultCode.GrantedQoS1, await b.SubscribeAsync(TopicTree.Cmd(Tenant, DeviceB)));
        }

        var (intruder, _) = await MqttProbe.ConnectAsync(broker.Port, "intruder", "intruder-password", "intruder-1");
        Assert.Null(intruder);

        await db.RevokeDeviceAsync(Tenant, DeviceA);
        await reconciler.ReconcileAsync(CancellationToken.None);
        await a.Disconnected.WaitAsync(TimeSpan.FromSeconds(5));
        var (again, refused) = await MqttProbe.ConnectAsync(broker.Port, UserA, _fleet.SecretA, UserA);
        Assert.Null(again);
        Assert.Equal(MqttClientConnectResultCode.NotAuthorized, refused);
    }
}
