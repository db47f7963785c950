using System.Diagnostics;
using Iot.Edge.Agent.Provisioning;
using Iot.Integration.Tests.Infrastructure;
using Iot.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using MQTTnet;
using Xunit.Abstractions;

namespace Iot.Integration.Tests.Provisioning;

[Collection(SystemCollection.Name)]
public class RevocationTests(PostgresServer postgres, ITestOutputHelper output)
{
    [Fact]
    public async Task A_revoked_device_is_kicked_within_seconds_is_refused_on_reconnect_and_keeps_new_chunks_in_its_outbox()
    {
        await using var rig = await ProvisioningRig.StartAsync(postgres);
        await rig.PreregisterAsync("sn-revoke-1", "pos-1");
        var agent = await rig.StartFreshAgentAsync("sn-revoke-1", wavSeconds: 40, realTime: true);
        await Eventually.WaitAsync(
            async () => agent.Uplink.IsConnected && await rig.Chunks.CountAsync("pos-1") >= 3,
            TimeSpan.FromSeconds(60), "the provisioned device uploads",
            async () => $"stored {await rig.Chunks.CountAsync()}, connected {agent.Uplink.IsConnected}");

        var identity = agent.Services.GetRequiredService<DeviceIdentityStore>().Current!;

        var clock = Stopwatch.StartNew();
        await rig.Admin.RevokeAsync("pos-1", CancellationToken.None);
        await Eventually.WaitAsync(() => Task.FromResult(!agent.Uplink.IsConnected), TimeSpan.FromSeconds(15), "the session is kicked");
        var kickedAfter = clock.Elapsed;
        Assert.True(kickedAfter < TimeSpan.FromSeconds(5), $"kicked only after {kickedAfter}");

        // A chunk published just before the kick may still be inserted; what counts is that nothing arrives later.
        await Task.Delay(TimeSpan.FromSeconds(1));
        var connects = agent.Uplink.Connects;
        var storedAfterKick = await rig.Chunks.CountAsync("pos-1");
        var sealedAfterKick = agent.Recorder.ChunksSealed;
        await Eventually.WaitAsync(() => Task.FromResult(agent.Recorder.ChunksSealed >= sealedAfterKick + 4), TimeSpan.FromSeconds(20), "recording goes on");

        Assert.False(agent.Uplink.IsConnected);
        Assert.Equal(connects, agent.Uplink.Connects);
        Assert.Equal(MqttClientConnectResultCode.NotAuthorized, await rig.TryConnectAsync(identity.ClientId, identity.Username!, identity.Password!));
        Assert.Equal(storedAfterKick, await rig.Chunks.CountAsync("pos-1"));
        var sealedChunks = agent.Recorder.ChunksSealed;
        var outbox = agent.Outbox.GetStats();
        Assert.Equal((0, 0L), (outbox.Quarantined, outbox.DroppedTotal));
        Assert.True(outbox.Pending >= sealedChunks - storedAfterKick, $"sealed {sealedChunks}, stored {storedAfterKick}, but only {outbox.Pending} wait in the outbox");
        output.WriteLine($"kicked after {kickedAfter.TotalMilliseconds:F0} ms; stored {storedAfterKick}, waiting {outbox.Pending}, sealed {sealedChunks}");
    }
}
