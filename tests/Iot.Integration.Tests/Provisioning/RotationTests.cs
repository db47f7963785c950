using Iot.Edge.Agent.Provisioning;
using Iot.Integration.Tests.Infrastructure;
using Iot.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using MQTTnet;
using Xunit.Abstractions;

namespace Iot.Integration.Tests.Provisioning;

[Collection(SystemCollection.Name)]
public class RotationTests(PostgresServer postgres, ITestOutputHelper output)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Iotctl_rotate_gives_the_live_agent_a_new_secret_the_old_one_stops_working_and_uploads_go_on()
    {
        await using var rig = await ProvisioningRig.StartAsync(postgres);
        await rig.PreregisterAsync("sn-rotate-1", "pos-7");
        var agent = await rig.StartFreshAgentAsync("sn-rotate-1", wavSeconds: 40, realTime: true);
        await Eventually.WaitAsync(
            async () => agent.Uplink.IsConnected && await rig.Chunks.CountAsync("pos-7") >= 2,
            Bound, "the provisioned device uploads",
            async () => $"stored {await rig.Chunks.CountAsync()}, connected {agent.Uplink.IsConnected}");
        var before = agent.Services.GetRequiredService<DeviceIdentityStore>().Current!;
        var fileBefore = await File.ReadAllTextAsync(rig.CredentialsPath);

        var rotate = await rig.IotctlAsync("devices", "rotate", "pos-7", "--timeout", "30");

        Assert.True(rotate.ExitCode == 0, $"iotctl rotate failed ({rotate.ExitCode}): {rotate.StdOut} {rotate.StdErr}");
        Assert.Contains(": done", rotate.StdOut, StringComparison.Ordinal);
        var after = agent.Services.GetRequiredService<DeviceIdentityStore>().Current!;
        Assert.Equal((before.ClientId, before.Username), (after.ClientId, after.Username));
        Assert.NotEqual(before.Password, after.Password);
        Assert.NotEqual(fileBefore, await File.ReadAllTextAsync(rig.CredentialsPath));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, rig.CredentialsMode);

        // Device client ids are pinned to the username, so the probe uses the agent's own id: a refused CONNECT takes nothing over.
        Assert.Equal(MqttClientConnectResultCode.NotAuthorized, await rig.TryConnectAsync(before.ClientId, before.Username!, before.Password!));
        Assert.True(agent.Uplink.IsConnected);
        var device = await rig.Admin.ShowDeviceAsync("pos-7", CancellationToken.None);
        Assert.Null(device!.PendingSecretHash);

        var stored = await rig.Chunks.CountAsync("pos-7");
        await Eventually.WaitAsync(
            async () => agent.Uplink.IsConnected && await rig.Chunks.CountAsync("pos-7") >= stored + 2,
            Bound, "uploads continue under the rotated secret",
            async () => $"stored {await rig.Chunks.CountAsync("pos-7")}, connected {agent.Uplink.IsConnected}, connects {agent.Uplink.Connects}");
        output.WriteLine($"rotated: {rotate.StdOut.Trim()}; stored before {stored}, after {await rig.Chunks.CountAsync("pos-7")}");
    }
}
