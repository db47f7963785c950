using System.Text;
using Iot.Protocol;
using Iot.Protocol.Provisioning;
using Iot.Protocol.Topics;
using Iot.Security.Tests.Infrastructure;
using MQTTnet;
using Xunit.Abstractions;
using static Iot.Security.Tests.Infrastructure.ProvisioningCloud;

namespace Iot.Security.Tests.Broker;

/// <summary>
/// Issue 15, medium: secrets cross provisioning responses and rotation commands; only the target device may read them.
/// The read-only ops account sees telemetry, status and fleet summaries, nothing that carries a password.
/// </summary>
public sealed class SecretTopicProbes(ITestOutputHelper output)
{
    private static readonly string[] SecretBearingFilters =
    [
        "#",
        "iot/#",
        "iot/+/#",
        ProvisioningTopics.Prefix + "#",
        ProvisioningTopics.Prefix + "+/response",
        ProvisioningTopics.Response("sn-ops-1"),
        TopicTree.Prefix + "#",
        TopicTree.Prefix + "+/+/cmd",
        TopicTree.Prefix + "+/+/+",
        TopicTree.Cmd(Victim, "ops-1"),
        TopicTree.Prefix + Victim + "/#",
        "$share/ops/" + TopicTree.Prefix + "+/+/cmd",
        "$share/ops/iot/#",
    ];

    [Fact]
    public async Task The_ops_account_cannot_subscribe_to_provisioning_responses_or_commands_on_the_embedded_broker()
    {
        using var run = new ProvisioningProbeRun(output);
        await using var cloud = await StartAsync();
        await using var ops = await ProvisioningDevice.AsServiceAsync(cloud.Port, "svc.ops", OpsSecret, "ops-watch-1");
        foreach (var filter in SecretBearingFilters)
        {
            var code = await ops.TrySubscribeAsync(filter);
            run.Record($"svc.ops SUBSCRIBE {filter}", code is not (MqttClientSubscribeResultCode.GrantedQoS0 or MqttClientSubscribeResultCode.GrantedQoS1 or MqttClientSubscribeResultCode.GrantedQoS2), code.ToString());
        }

        // What ops is for still works.
        foreach (var filter in new[] { TopicTree.Prefix + "+/+/status", TopicTree.Prefix + "+/+/telemetry", "iot/fleet/v1/#" })
        {
            Assert.Equal(MqttClientSubscribeResultCode.GrantedQoS1, await ops.TrySubscribeAsync(filter));
        }
    }

    [Fact]
    public async Task No_password_from_provisioning_or_rotation_reaches_the_ops_account()
    {
        using var run = new ProvisioningProbeRun(output);
        await using var cloud = await StartAsync();
        await using var ops = await ProvisioningDevice.AsServiceAsync(cloud.Port, "svc.ops", OpsSecret, "ops-watch-2");
        foreach (var filter in SecretBearingFilters.Concat([TopicTree.Prefix + "+/+/status", TopicTree.Prefix + "+/+/telemetry", "iot/fleet/v1/#"]))
        {
            await ops.TrySubscribeAsync(filter);
        }

        var (credentials, _) = await cloud.ProvisionAsync(Victim, "sn-ops-1", "ops-1");
        await using var device = await ProvisioningDevice.AsIdentityAsync(cloud.Port, credentials);
        var commandId = await cloud.Admin.RotateAsync("ops-1", TimeSpan.FromSeconds(30), default);
        var (_, payload, _) = await device.WaitForAsync(m => m.Topic == TopicTree.Cmd(Victim, "ops-1"));
        var rotated = Iot.Protocol.Serialization.ProtocolJson.TryDeserialize<Iot.Protocol.Messages.DeviceCommand>(payload, out _)!.Args["password"];
        await Task.Delay(1000);

        var seen = ops.Received.ToArray();
        run.Record("svc.ops reads the provisioning answer's password", !seen.Any(m => Encoding.UTF8.GetString(m.Payload).Contains(credentials.Password, StringComparison.Ordinal)), "password seen");
        run.Record("svc.ops reads the rotation command's password", !seen.Any(m => Encoding.UTF8.GetString(m.Payload).Contains(rotated, StringComparison.Ordinal)), "password seen");
        Assert.NotEqual(Guid.Empty, commandId);
    }

    [Fact]
    public async Task A_provisioning_answer_read_by_anyone_but_the_asker_carries_no_usable_password()
    {
        // An open broker (Broker:RequireAuthentication=false, the demo) or one whose ACL lets a claim read other serials'
        // responses (Mosquitto dynsec: every preregistered serial of the claim's tenant) shows the response to others.
        using var run = new ProvisioningProbeRun(output);
        await using var cloud = await StartAsync(authentication: false);
        await using var eavesdropper = await ProvisioningDevice.AsServiceAsync(cloud.Port, "anyone", "x", "eavesdropper-1");
        Assert.Equal(MqttClientSubscribeResultCode.GrantedQoS1, await eavesdropper.TrySubscribeAsync(ProvisioningTopics.Prefix + "+/response"));

        var (credentials, device) = await cloud.ProvisionAsync(Victim, "sn-seal-1", "seal-1");
        await using var _ = device;
        await Task.Delay(500);

        var overheard = eavesdropper.Received.Select(m => Encoding.UTF8.GetString(m.Payload)).ToList();
        Assert.NotEmpty(overheard);
        run.Record("a reader of the response topic sees the device's password", !overheard.Any(p => p.Contains(credentials.Password, StringComparison.Ordinal)), "password in clear");
        var sealedAnswer = Assert.Single(device.RawAnswers, a => a.Status == ProvisionStatus.Approved);
        using var otherKey = CredentialSeal.NewKey();
        run.Record(
            "a reader of the response topic opens the sealed credentials with a key of its own",
            sealedAnswer.SealedCredentials is { } blob && CredentialSeal.Open(blob, otherKey, sealedAnswer.Nonce) is null,
            "opened");
    }

    [Fact]
    public async Task The_embedded_broker_refuses_a_packet_larger_than_the_largest_chunk_envelope()
    {
        using var run = new ProvisioningProbeRun(output);
        await using var cloud = await StartAsync();
        var (credentials, _) = await cloud.ProvisionAsync(Victim, "sn-big-1", "big-1");
        await using var device = await ProvisioningDevice.AsIdentityAsync(cloud.Port, credentials);

        var oversized = new byte[ProtocolLimits.DefaultMaxChunkPayloadBytes + ProtocolLimits.MaxHeaderBytes + (1024 * 1024)];
        var outcome = await device.TryPublishAsync(TopicTree.Chunk(Victim, "big-1"), oversized);
        run.Record($"device PUBLISH of {oversized.Length} bytes to its chunk topic", outcome != "Success", outcome);

        await using var claimSession = await ProvisioningDevice.ClaimAsync(cloud.Port, "sn-big-2", await cloud.ClaimAsync(Attacker));
        var claimOutcome = await claimSession.TryPublishAsync(ProvisioningTopics.Request("sn-big-2"), oversized);
        run.Record($"claim PUBLISH of {oversized.Length} bytes to its request topic", claimOutcome != "Success", claimOutcome);

        // A largest legal chunk still goes through.
        await using var again = await ProvisioningDevice.AsIdentityAsync(cloud.Port, credentials);
        var legal = new byte[ProtocolLimits.DefaultMaxChunkPayloadBytes];
        Assert.Equal("Success", await again.TryPublishAsync(TopicTree.Chunk(Victim, "big-1"), legal));
    }
}
