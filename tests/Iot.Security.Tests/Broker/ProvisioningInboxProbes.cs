using Iot.Protocol.Provisioning;
using Iot.Protocol.Serialization;
using Iot.Provisioning.Messaging;
using Iot.Security.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using MQTTnet;
using MQTTnet.Protocol;
using Xunit.Abstractions;
using static Iot.Security.Tests.Infrastructure.ProvisioningCloud;

namespace Iot.Security.Tests.Broker;

/// <summary>
/// Issue 15, medium: the provisioning inbox was unbounded, so a claim holder flooding its request topic grew the
/// bridge's memory without limit. Now it holds <c>Provisioning:InboxCapacity</c> messages and drops (counting) the rest.
/// </summary>
public sealed class ProvisioningInboxProbes(ITestOutputHelper output)
{
    [Fact]
    public async Task A_request_flood_is_dropped_past_the_inbox_capacity_and_provisioning_still_answers_afterwards()
    {
        using var run = new ProvisioningProbeRun(output);
        await using var cloud = await StartAsync(extra: new Dictionary<string, string?> { ["Provisioning:InboxCapacity"] = "16" });
        var claim = await cloud.ClaimAsync(Attacker);
        await using var flooder = await ProvisioningDevice.ClaimAsync(cloud.Port, "sn-flood", claim);

        // QoS 0 as fast as the socket takes them: the broker routes each to provisioning's session at once.
        using var raw = new MqttClientFactory().CreateMqttClient();
        await raw.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", cloud.Port).WithClientId(MqttIdentities.ClaimClient("sn-flood2"))
            .WithCredentials(claim.Username, claim.Secret).WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500).Build());
        const int flood = 3000;
        for (var i = 0; i < flood; i++)
        {
            var request = flooder.Request() with { Serial = "sn-flood2" };
            await raw.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(ProvisioningTopics.Request("sn-flood2"))
                .WithPayload(ProtocolJson.Serialize(request)).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtMostOnce).Build());
        }

        var connection = cloud.Services.GetRequiredService<ProvisioningConnection>();
        await Iot.TestSupport.Eventually.WaitAsync(() => Task.FromResult(connection.DroppedMessages > 0), TimeSpan.FromSeconds(20), "the inbox to drop");
        output.WriteLine($"{flood} requests flooded, {connection.DroppedMessages} dropped at capacity 16");
        run.Record($"{flood} requests queued without bound", connection.DroppedMessages > 0, "nothing dropped");

        // The service is still there for everyone else once the flood has drained: the inbox empty and no more drops
        // arriving. Asked before that, a genuine request may be dropped too (CI once did); an agent then asks again
        // after its retry interval, as this device does after 5 s.
        var settled = (Dropped: -1L, Since: System.Diagnostics.Stopwatch.StartNew());
        await Iot.TestSupport.Eventually.WaitAsync(() =>
        {
            var dropped = connection.DroppedMessages;
            if (dropped != settled.Dropped || connection.InboxDepth > 0)
            {
                settled = (dropped, System.Diagnostics.Stopwatch.StartNew());
            }

            return Task.FromResult(settled.Since.Elapsed > TimeSpan.FromSeconds(1));
        }, TimeSpan.FromSeconds(30), "the flood to drain");
        await using var genuine = await ProvisioningDevice.ClaimAsync(cloud.Port, "sn-after-flood", await cloud.ClaimAsync(Victim));
        var answer = await AskWithRetriesAsync(genuine);
        Assert.Equal(ProvisionStatus.Pending, answer.Status);
    }

    private static async Task<ProvisionResponse> AskWithRetriesAsync(ProvisioningDevice device)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await device.AskAsync(timeout: TimeSpan.FromSeconds(5));
            }
            catch (TimeoutException) when (attempt < 3)
            {
            }
        }
    }
}
