using System.Text;
using Iot.Protocol.Messages;
using Iot.Protocol.Serialization;
using Iot.Protocol.Topics;
using Iot.Security.Tests.Infrastructure;
using MQTTnet;
using Xunit.Abstractions;
using static Iot.Security.Tests.Infrastructure.ProvisioningCloud;

namespace Iot.Security.Tests.Broker;

/// <summary>
/// Issue 17: alert events (<c>iot/alerts/v1/{tenant}/event</c>) are published by the bridge's alert sender
/// (svc.provisioning) and read by operators (svc.ops). A device or claim credential, which sits on hardware in the field,
/// must neither read a tenant's alerts (its own tenant's or another's) nor plant a fake alert that operators would act on.
/// </summary>
public sealed class AlertTopicProbes(ITestOutputHelper output)
{
    private static readonly string[] AlertFilters =
    [
        TopicTree.AlertEvents(Victim),
        TopicTree.AlertEvents(Attacker),
        TopicTree.PlatformAlertEvents,
        "iot/alerts/v1/#",
        "iot/alerts/v1/+/event",
        "iot/alerts/#",
        "$share/x/iot/alerts/v1/+/event",
    ];

    private static readonly string[] AlertTopics = [TopicTree.AlertEvents(Victim), TopicTree.AlertEvents(Attacker), TopicTree.PlatformAlertEvents];

    [Fact]
    public async Task Device_and_claim_credentials_can_neither_read_alert_topics_nor_publish_a_fake_alert()
    {
        using var run = new ProvisioningProbeRun(output);
        await using var cloud = await StartAsync();
        var (victimCredentials, victimDevice) = await cloud.ProvisionAsync(Victim, "sn-alert-v", "alert-v");
        await using var _ = victimDevice;
        var (attackerCredentials, attackerDevice) = await cloud.ProvisionAsync(Attacker, "sn-alert-a", "alert-a");
        await using var __ = attackerDevice;
        var fake = ProtocolJson.Serialize(new AlertEvent
        {
            AlertId = 1, Event = "resolved", TenantId = Victim, Rule = "device-offline", Subject = "alert-v", Severity = "critical",
            Summary = "all clear (forged)", FirstSeenUtc = DateTimeOffset.UtcNow, LastSeenUtc = DateTimeOffset.UtcNow, AtUtc = DateTimeOffset.UtcNow,
        });

        await using var ops = await ProvisioningDevice.AsServiceAsync(cloud.Port, "svc.ops", OpsSecret, "ops-alerts-1");
        Assert.Equal(MqttClientSubscribeResultCode.GrantedQoS1, await ops.TrySubscribeAsync("iot/alerts/v1/#"));

        foreach (var (who, credentials) in new[] { ("victim device", victimCredentials), ("attacker device", attackerCredentials) })
        {
            // One session at a time: a device's client id is its username, so a second session would take over the first.
            await using (var session = await ProvisioningDevice.AsIdentityAsync(cloud.Port, credentials))
            {
                foreach (var filter in AlertFilters)
                {
                    var code = await session.TrySubscribeAsync(filter);
                    run.Record($"{who} SUBSCRIBE {filter}", !Granted(code), code.ToString());
                }
            }

            foreach (var topic in AlertTopics)
            {
                // A refused publish may end the session (MQTT 5 lets the broker disconnect), so each try gets a fresh one.
                await using var publisher = await ProvisioningDevice.AsIdentityAsync(cloud.Port, credentials);
                var outcome = await publisher.TryPublishAsync(topic, fake);
                run.Record($"{who} PUBLISH fake alert to {topic}", outcome != "Success", outcome);
            }
        }

        var claim = await cloud.ClaimAsync(Attacker);
        await using (var claimSession = await ProvisioningDevice.ClaimAsync(cloud.Port, "sn-alert-claim", claim))
        {
            foreach (var filter in AlertFilters)
            {
                var code = await claimSession.TrySubscribeAsync(filter);
                run.Record($"claim SUBSCRIBE {filter}", !Granted(code), code.ToString());
            }
        }

        foreach (var topic in AlertTopics)
        {
            await using var claimPublisher = await ProvisioningDevice.ClaimAsync(cloud.Port, "sn-alert-claim", claim);
            var outcome = await claimPublisher.TryPublishAsync(topic, fake);
            run.Record($"claim PUBLISH fake alert to {topic}", outcome != "Success", outcome);
        }

        // Ops reads alerts but writes none either.
        var opsOutcome = await ops.TryPublishAsync(TopicTree.AlertEvents(Victim), fake);
        run.Record("svc.ops PUBLISH fake alert", opsOutcome != "Success", opsOutcome);

        // Nothing forged reached the operators' subscription; what the alert sender's account publishes does.
        await using var sender = await ProvisioningDevice.AsProvisioningServiceAsync(cloud.Port);
        Assert.Equal("Success", await sender.TryPublishAsync(TopicTree.AlertEvents(Victim), Encoding.UTF8.GetBytes("{\"genuine\":true}")));
        var genuine = await ops.WaitForAsync(m => m.Topic == TopicTree.AlertEvents(Victim));
        Assert.Contains("genuine", Encoding.UTF8.GetString(genuine.Payload), StringComparison.Ordinal);
        run.Record("a forged alert reaches svc.ops", !ops.Received.Any(m => Encoding.UTF8.GetString(m.Payload).Contains("forged", StringComparison.Ordinal)), "forged alert delivered");
    }

    private static bool Granted(MqttClientSubscribeResultCode code) =>
        code is MqttClientSubscribeResultCode.GrantedQoS0 or MqttClientSubscribeResultCode.GrantedQoS1 or MqttClientSubscribeResultCode.GrantedQoS2;
}
