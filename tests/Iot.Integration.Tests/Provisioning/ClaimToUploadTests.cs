using Iot.Edge.Agent.Provisioning;
using Iot.Integration.Tests.Infrastructure;
using Iot.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace Iot.Integration.Tests.Provisioning;

[Collection(SystemCollection.Name)]
public class ClaimToUploadTests(PostgresServer postgres)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task An_unknown_serial_waits_pending_until_iotctl_approves_it_then_uploads_every_chunk_once_under_its_own_identity()
    {
        await using var rig = await ProvisioningRig.StartAsync(postgres);
        var agent = await rig.StartFreshAgentAsync("sn-unknown-1", wavSeconds: 6);

        await Eventually.WaitAsync(
            async () => (await rig.Admin.ListPendingAsync(ProvisioningRig.Tenant, CancellationToken.None)).Any(r => r.Serial == "sn-unknown-1"),
            Bound, "the claim shows up as pending");
        await agent.Recorder.SourceFinished.Task.WaitAsync(Bound);
        Assert.False(File.Exists(rig.CredentialsPath));
        Assert.False(agent.Uplink.IsConnected);
        Assert.Equal(0, await rig.Chunks.CountAsync());

        var approve = await rig.IotctlAsync("devices", "approve", "sn-unknown-1", "--device-id", "pos-9", "--by", "e2e");
        Assert.True(approve.ExitCode == 0, $"iotctl approve failed ({approve.ExitCode}): {approve.StdOut} {approve.StdErr}");

        await AssertUploadsUnderOwnIdentityAsync(rig, agent, "pos-9");
    }

    [Fact]
    public async Task A_preregistered_serial_is_approved_without_a_human_and_uploads_every_chunk_once_under_its_own_identity()
    {
        await using var rig = await ProvisioningRig.StartAsync(postgres);
        await rig.PreregisterAsync("sn-known-1", "pos-1");
        var agent = await rig.StartFreshAgentAsync("sn-known-1", wavSeconds: 6);

        await agent.Recorder.SourceFinished.Task.WaitAsync(Bound);
        await AssertUploadsUnderOwnIdentityAsync(rig, agent, "pos-1");
        Assert.Empty(await rig.Admin.ListPendingAsync(null, CancellationToken.None));
    }

    internal static async Task AssertUploadsUnderOwnIdentityAsync(ProvisioningRig rig, AgentNode agent, string deviceId)
    {
        var sealedChunks = agent.Recorder.ChunksSealed;
        await Eventually.WaitAsync(
            async () => agent.Outbox.GetStats().Pending == 0 && await rig.Chunks.CountAsync(deviceId) >= sealedChunks,
            Bound, $"{sealedChunks} chunks of {deviceId} stored",
            async () => $"stored {await rig.Chunks.CountAsync()}, outbox {agent.Outbox.GetStats()}, connected {agent.Uplink.IsConnected}, credentials {File.Exists(rig.CredentialsPath)}");

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, rig.CredentialsMode);
        var identity = agent.Services.GetRequiredService<DeviceIdentityStore>().Current;
        Assert.NotNull(identity);
        Assert.True(identity.FromCredentialsFile);
        Assert.Equal((ProvisioningRig.Tenant, deviceId, $"{ProvisioningRig.Tenant}.{deviceId}"), (identity.TenantId, identity.DeviceId, identity.Username));
        Assert.True(agent.Uplink.IsConnected);

        var device = await rig.Admin.ShowDeviceAsync(deviceId, CancellationToken.None);
        Assert.NotNull(device.SecretHash);
        Assert.DoesNotContain(identity.Password!, await File.ReadAllTextAsync(Path.Combine(rig.Dir.Path, "claim.json")), StringComparison.Ordinal);

        var rows = await rig.StoredChunksAsync(deviceId);
        Assert.True(sealedChunks >= 5, $"only {sealedChunks} chunks recorded");
        Assert.All(rows, r => Assert.Equal(ProvisioningRig.Tenant, r.Tenant));
        await StoreAssertions.EveryChunkStoredExactlyOnceAsync(rig.Chunks, rig.Bridge.StorageRoot, new Dictionary<string, long> { [deviceId] = sealedChunks });
    }
}
