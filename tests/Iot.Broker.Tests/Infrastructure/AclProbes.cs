using Iot.Protocol.Provisioning;
using Iot.Protocol.Topics;
using MQTTnet;
using static Iot.Broker.Tests.Infrastructure.TestFleet;

namespace Iot.Broker.Tests.Infrastructure;

/// <summary>
/// The forbidden-attempt matrix, over MQTTnet (MQTT 5), identical for every broker. Each refused publish carries
/// <c>marker</c> as payload so a watcher can prove it never reached a subscriber.
/// </summary>
public static class AclProbes
{
    public static async Task RefusalsAsync(int port, TestFleet f, ProbeTally tally, string marker, bool brokerBindsClientIdPatterns)
    {
        async Task Connect(string what, string? user, string? password, string clientId)
        {
            var (probe, code) = await MqttProbe.ConnectAsync(port, user, password, clientId);
            if (probe is not null)
            {
                await probe.DisposeAsync();
            }

            tally.Record("CONNECT " + what, code is MqttClientConnectResultCode.NotAuthorized or MqttClientConnectResultCode.BadUserNameOrPassword, code.ToString());
        }

        await Connect("with a wrong password", UserA, "wrong-password", UserA);
        await Connect("with another device's secret", UserA, f.SecretB, UserA);
        await Connect("with client id other than the username", UserA, f.SecretA, "someone-else");
        await Connect("with another device's client id", UserA, f.SecretA, UserB);
        await Connect("as a revoked device", UserRevoked, f.SecretRevoked, UserRevoked);
        await Connect("as an unknown device", "t1.ghost", "whatever-secret", "t1.ghost");
        await Connect("claim with a wrong secret", ClaimUser, "wrong-password", ClaimClient);
        await Connect("claim that is used up", MqttIdentities.ClaimUser(UsedClaimId), f.ClaimSecret, ClaimClient);
        if (brokerBindsClientIdPatterns)
        {
            // Mosquitto pins a client id only to one literal value, so these two hold on pattern-aware brokers only.
            await Connect("claim with a device's client id", ClaimUser, f.ClaimSecret, UserA);
            await Connect("svc.ops with a device's client id", "svc.ops", f.OpsSecret, UserA);
        }

        await Connect("as an unknown service", "svc.root", "whatever-secret", "root-1");
        await Connect("svc.ops with a wrong secret", "svc.ops", "wrong-password", "ops-x");
        await Connect("anonymously", null, null, "anon-1");

        await using (var a = await MqttProbe.ConnectOrFailAsync(port, UserA, f.SecretA, UserA))
        {
            await PublishAll(a, "device A", [
                TopicTree.Chunk(Tenant, DeviceB), TopicTree.Status(Tenant, DeviceB), TopicTree.Telemetry(Tenant, DeviceB),
                TopicTree.CmdResult(Tenant, DeviceB), TopicTree.Ack(Tenant, DeviceA), TopicTree.Cmd(Tenant, DeviceA),
                TopicTree.Config(Tenant, DeviceA), ProvisioningTopics.Request(Serial), TopicTree.FleetSummary(Tenant), "iot/other",
            ]);
            await SubscribeAll(a, "device A", [
                TopicTree.Ack(Tenant, DeviceB), TopicTree.Cmd(Tenant, DeviceB), TopicTree.Config(Tenant, DeviceB),
                "#", "iot/v1/+/+/ack", "iot/v1/t1/+/ack", TopicTree.Prefix + "t1/dev-a/#", "$SYS/#",
                TopicTree.Chunk(Tenant, DeviceA), TopicTree.Shared("g", TopicTree.Ack(Tenant, DeviceA)), ProvisioningTopics.Response(Serial),
            ]);
        }

        await using (var claim = await MqttProbe.ConnectOrFailAsync(port, ClaimUser, f.ClaimSecret, ClaimClient))
        {
            await PublishAll(claim, "claim", [TopicTree.Chunk(Tenant, DeviceA), TopicTree.Status(Tenant, DeviceA), ProvisioningTopics.Response(Serial), "iot/other"]);
            await SubscribeAll(claim, "claim", ["#", ProvisioningTopics.Prefix + "+/response", ProvisioningTopics.Request(Serial), TopicTree.Ack(Tenant, DeviceA), "iot/provision/v1/#"]);
            if (brokerBindsClientIdPatterns)
            {
                // Mosquitto cannot express "the serial in my client id": there a claim reaches every preregistered serial of its tenant.
                await PublishAll(claim, "claim", [ProvisioningTopics.Request(OtherSerial)]);
                await SubscribeAll(claim, "claim", [ProvisioningTopics.Response(OtherSerial)]);
            }

        }

        await using (var ops = await MqttProbe.ConnectOrFailAsync(port, "svc.ops", f.OpsSecret, "ops-probe"))
        {
            await PublishAll(ops, "svc.ops", [TopicTree.Cmd(Tenant, DeviceA), TopicTree.Ack(Tenant, DeviceA), ProvisioningTopics.Response(Serial)]);

            // Read-only ops sees status, telemetry and fleet summaries, never a topic that carries a password (issue 15).
            await SubscribeAll(ops, "svc.ops", [
                "iot/#", "#", ProvisioningTopics.Prefix + "+/response", ProvisioningTopics.Response(Serial), TopicTree.Prefix + "+/+/cmd",
                TopicTree.Cmd(Tenant, DeviceA), TopicTree.Prefix + "+/+/+", TopicTree.Prefix + Tenant + "/#",
            ]);
        }

        async Task PublishAll(MqttProbe probe, string who, string[] topics)
        {
            foreach (var topic in topics)
            {
                var code = await probe.PublishAsync(topic, marker);
                tally.RecordPublish($"{who} PUBLISH {topic}", topic, code == MqttClientPublishReasonCode.NotAuthorized, code.ToString());
            }
        }

        async Task SubscribeAll(MqttProbe probe, string who, string[] filters)
        {
            foreach (var filter in filters)
            {
                var code = await probe.SubscribeAsync(filter);
                // MQTTnet's server has no shared subscriptions and refuses them before any ACL is asked: still a refusal.
                var refused = code == MqttClientSubscribeResultCode.NotAuthorized
                    || (filter.StartsWith("$share/", StringComparison.Ordinal) && code == MqttClientSubscribeResultCode.SharedSubscriptionsNotSupported);
                tally.Record($"{who} SUBSCRIBE {filter}", refused, code.ToString());
            }
        }
    }

    /// <summary>After the refusals: the watcher (every service-readable topic) must not have seen a single marked message.</summary>
    public static async Task AssertNothingLeakedAsync(FleetWatcher watcher, string marker)
    {
        await Task.Delay(TimeSpan.FromSeconds(1));
        var leaked = watcher.Received.Where(m => m.Payload == marker).Select(m => m.Topic).ToList();
        Assert.True(leaked.Count == 0, "refused publishes were delivered on: " + string.Join(", ", leaked));
    }

    /// <summary>The allowed paths, so the refusals above are not just a broker that refuses everything.</summary>
    public static async Task AllowedAsync(int port, TestFleet f, FleetWatcher watcher)
    {
        await using var a = await MqttProbe.ConnectOrFailAsync(port, UserA, f.SecretA, UserA);
        foreach (var filter in new[] { TopicTree.Ack(Tenant, DeviceA), TopicTree.Cmd(Tenant, DeviceA), TopicTree.Config(Tenant, DeviceA) })
        {
            Assert.Equal(MqttClientSubscribeResultCode.GrantedQoS1, await a.SubscribeAsync(filter));
        }

        foreach (var topic in new[] { TopicTree.Chunk(Tenant, DeviceA), TopicTree.Status(Tenant, DeviceA), TopicTree.Telemetry(Tenant, DeviceA), TopicTree.Reported(Tenant, DeviceA), TopicTree.CmdResult(Tenant, DeviceA) })
        {
            Assert.Equal(MqttClientPublishReasonCode.Success, await a.PublishAsync(topic, "ok"));
        }

        await using var provisioning = await MqttProbe.ConnectOrFailAsync(port, "svc.provisioning", f.ProvisioningSecret, "provisioning-1");
        Assert.Equal(MqttClientSubscribeResultCode.GrantedQoS1, await provisioning.SubscribeAsync(ProvisioningTopics.AllRequests));
        Assert.Equal(MqttClientSubscribeResultCode.GrantedQoS1, await provisioning.SubscribeAsync(TopicTree.Prefix + "+/+/status"));

        await using var claim = await MqttProbe.ConnectOrFailAsync(port, ClaimUser, f.ClaimSecret, ClaimClient);
        Assert.Equal(MqttClientSubscribeResultCode.GrantedQoS1, await claim.SubscribeAsync(ProvisioningTopics.Response(Serial)));
        Assert.Equal(MqttClientPublishReasonCode.Success, await claim.PublishAsync(ProvisioningTopics.Request(Serial), "hello"));
        Assert.Equal(MqttClientPublishReasonCode.Success, await provisioning.PublishAsync(ProvisioningTopics.Response(Serial), "welcome"));
        Assert.Equal(MqttClientPublishReasonCode.Success, await provisioning.PublishAsync(TopicTree.Cmd(Tenant, DeviceA), "do"));

        await Iot.TestSupport.Eventually.WaitAsync(
            () => Task.FromResult(
                provisioning.Received.Any(m => m.Topic == ProvisioningTopics.Request(Serial))
                && claim.Received.Any(m => m.Topic == ProvisioningTopics.Response(Serial))
                && a.Received.Any(m => m.Topic == TopicTree.Cmd(Tenant, DeviceA))
                && watcher.Received.Count(m => m.Payload == "ok") >= 5),
            TimeSpan.FromSeconds(10),
            "allowed messages to arrive",
            () => Task.FromResult($"provisioning {provisioning.Received.Count}, claim {claim.Received.Count}, device {a.Received.Count}, watcher {watcher.Received.Count}"));
    }
}
