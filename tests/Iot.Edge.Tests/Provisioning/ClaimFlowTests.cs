using System.Text.Json;
using Iot.Edge.Agent.Gpio;
using Iot.Edge.Agent.Health;
using Iot.Edge.Agent.Provisioning;
using Iot.Protocol.Chunks;
using Iot.Protocol.Messages;
using Iot.Protocol.Provisioning;
using Iot.Protocol.Topics;
using Iot.TestSupport;

namespace Iot.Edge.Tests.Provisioning;

public class ClaimFlowTests
{
    [Fact]
    public async Task A_pending_then_approved_device_stores_private_credentials_and_uploads_under_its_new_identity()
    {
        await using var cloud = await FakeCloud.StartAsync();
        using var dir = new TempDirectory();
        await using var agent = await AgentRig.CreateAsync(cloud, dir);
        cloud.Allow("acme.pos-7", "device-pw-1");
        cloud.Responder = (r, n) => n == 1
            ? [FakeCloud.Answer(r, ProvisionStatus.Pending, retryAfter: 1)]
            : [FakeCloud.Answer(r, ProvisionStatus.Approved, FakeCloud.Credentials("acme", "pos-7", "device-pw-1"))];

        await agent.StartAsync();
        // The provisioning service starts on a pool thread; the flag may take a moment under load.
        await Eventually.WaitAsync(() => Task.FromResult(agent.Get<AgentConditions>().AwaitingProvisioning || File.Exists(agent.CredentialsPath)), TimeSpan.FromSeconds(20), "awaiting provisioning");
        var chunk = await WaitForChunkAsync(cloud, "acme", "pos-7");

        var requests = cloud.Requests.ToArray();
        Assert.True(requests.Length >= 2, "asked again after Pending");
        Assert.All(requests, r => Assert.Equal(AgentRig.Serial, r.Serial));
        Assert.All(requests, r => Assert.InRange(r.Nonce.Length, 16, 64));
        Assert.Equal(requests.Length, requests.Select(r => r.Nonce).Distinct().Count());
        Assert.False(string.IsNullOrEmpty(requests[0].HardwareId));
        Assert.Equal(new DeviceCapabilities(Microphone: false, Gpio: false), requests[0].Capabilities);
        Assert.Contains(cloud.Connects, c => c.ClientId == "claim." + AgentRig.Serial && c.Username == "claim." + FakeCloud.ClaimId);
        Assert.Contains(cloud.Connects, c => c.ClientId == "acme.pos-7" && c.Username == "acme.pos-7" && c.Password == "device-pw-1");

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, agent.CredentialsMode);
        using var stored = JsonDocument.Parse(await File.ReadAllTextAsync(agent.CredentialsPath));
        Assert.Equal("acme", stored.RootElement.GetProperty("tenantId").GetString());
        Assert.Equal("pos-7", stored.RootElement.GetProperty("deviceId").GetString());
        Assert.Equal("device-pw-1", stored.RootElement.GetProperty("password").GetString());
        Assert.Equal(cloud.Broker, stored.RootElement.GetProperty("broker").GetString());
        Assert.Equal(("acme", "pos-7"), (chunk.TenantId, chunk.DeviceId));
        Assert.False(agent.Get<AgentConditions>().AwaitingProvisioning);
    }

    [Fact]
    public async Task An_answer_carrying_another_nonce_is_ignored()
    {
        await using var cloud = await FakeCloud.StartAsync();
        using var dir = new TempDirectory();
        await using var agent = await AgentRig.CreateAsync(cloud, dir);
        cloud.Allow("acme.stolen", "x");
        cloud.Allow("acme.pos-1", "right");
        cloud.Responder = (r, n) => n == 1
            ? [FakeCloud.Answer(r, ProvisionStatus.Approved, FakeCloud.Credentials("acme", "stolen", "x"), nonce: new string('f', 32))]
            : [FakeCloud.Answer(r, ProvisionStatus.Approved, FakeCloud.Credentials("acme", "stolen", "x"), nonce: cloud.Requests.First().Nonce),
               FakeCloud.Answer(r, ProvisionStatus.Approved, FakeCloud.Credentials("acme", "pos-1", "right"))];

        await agent.StartAsync();
        await WaitForChunkAsync(cloud, "acme", "pos-1");

        Assert.True(cloud.Requests.Count >= 2, "the first attempt got no valid answer and timed out");
        Assert.DoesNotContain(cloud.Connects, c => c.ClientId == "acme.stolen");
        Assert.Contains("\"pos-1\"", await File.ReadAllTextAsync(agent.CredentialsPath), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_rejected_device_backs_off_and_shows_the_fault_while_it_keeps_recording()
    {
        await using var cloud = await FakeCloud.StartAsync();
        using var dir = new TempDirectory();
        await using var agent = await AgentRig.CreateAsync(cloud, dir);
        cloud.Responder = (r, _) => [FakeCloud.Answer(r, ProvisionStatus.Rejected)];

        await agent.StartAsync();
        var conditions = agent.Get<AgentConditions>();
        await Eventually.WaitAsync(() => Task.FromResult(conditions.Faults().Any(f => f.Contains("rejected", StringComparison.Ordinal))), TimeSpan.FromSeconds(15), "rejection fault");
        await Task.Delay(2500);

        Assert.Single(cloud.Requests);
        Assert.True(conditions.AwaitingProvisioning);
        Assert.False(File.Exists(agent.CredentialsPath));
        Assert.NotEmpty(agent.Get<Iot.Edge.Agent.Outbox.ChunkOutbox>().PeekReady(10, []));
        Assert.DoesNotContain(cloud.Messages, m => m.Topic.EndsWith("/chunk", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_invalid_answer_is_retried_after_a_backoff()
    {
        await using var cloud = await FakeCloud.StartAsync();
        using var dir = new TempDirectory();
        await using var agent = await AgentRig.CreateAsync(cloud, dir);
        cloud.Responder = (r, _) => [FakeCloud.Answer(r, ProvisionStatus.Invalid)];

        await agent.StartAsync();
        await Eventually.WaitAsync(() => Task.FromResult(cloud.Requests.Count >= 2), TimeSpan.FromSeconds(15), "a second request after Invalid");

        Assert.False(File.Exists(agent.CredentialsPath));
    }

    [Fact]
    public async Task The_reprovision_command_forgets_the_credentials_and_claims_again_keeping_the_outbox()
    {
        await using var cloud = await FakeCloud.StartAsync();
        using var dir = new TempDirectory();
        await using var agent = await AgentRig.CreateAsync(cloud, dir);
        cloud.Responder = AgentRig.ApproveAs(cloud, "acme", "pos-1", "pw-1");
        await agent.StartAsync();
        await WaitForChunkAsync(cloud, "acme", "pos-1");
        cloud.PendForever();

        var command = new DeviceCommand { CommandId = Guid.NewGuid(), Name = "reprovision", IssuedAtUtc = DateTimeOffset.UtcNow };
        await cloud.PublishAsync(TopicTree.Cmd("acme", "pos-1"), command);

        var result = await cloud.WaitForAsync<CommandResult>(TopicTree.CmdResult("acme", "pos-1"), r => r.CommandId == command.CommandId, "reprovision answered");
        Assert.Equal(CommandStatus.Done, result.Status);
        await Eventually.WaitAsync(() => Task.FromResult(cloud.Requests.Count >= 2), TimeSpan.FromSeconds(15), "claim flow again");
        Assert.False(File.Exists(agent.CredentialsPath));
        Assert.True(agent.Get<AgentConditions>().AwaitingProvisioning);
        await cloud.WaitForAsync<DeviceStatus>(TopicTree.Status("acme", "pos-1"), s => s.State == DeviceState.Offline && s.ReconnectReason == "reprovision", "offline because of the re-provision");

        // Chunks recorded meanwhile wait, then go out under the next identity.
        await Eventually.WaitAsync(() => Task.FromResult(agent.Get<Iot.Edge.Agent.Outbox.ChunkOutbox>().PeekReady(1, []).Count > 0), TimeSpan.FromSeconds(15), "chunks kept while unprovisioned");
        cloud.Responder = AgentRig.ApproveAs(cloud, "acme", "pos-2", "pw-2");
        agent.Get<Reprovisioner>().Reprovision("test-kick");
        await WaitForChunkAsync(cloud, "acme", "pos-2");
    }

    [Fact]
    public async Task A_long_button_press_sends_the_device_back_to_the_claim_flow()
    {
        await using var cloud = await FakeCloud.StartAsync();
        using var dir = new TempDirectory();
        await using var agent = await AgentRig.CreateAsync(cloud, dir);
        await agent.StartProvisionedAsync(cloud);
        cloud.PendForever();

        agent.Get<IReprovisionRequest>().Request("button");

        await Eventually.WaitAsync(() => Task.FromResult(cloud.Requests.Count >= 2), TimeSpan.FromSeconds(15), "claim flow again");
        Assert.False(File.Exists(agent.CredentialsPath));
    }

    [Fact]
    public async Task Stored_credentials_are_used_at_start_and_the_claim_is_never_used_again()
    {
        await using var cloud = await FakeCloud.StartAsync();
        using var dir = new TempDirectory();
        await using var agent = await AgentRig.CreateAsync(cloud, dir);
        cloud.Responder = AgentRig.ApproveAs(cloud, "acme", "pos-1", "pw-1");
        await agent.StartAsync();
        await WaitForChunkAsync(cloud, "acme", "pos-1");
        await agent.StopAsync();
        var claimConnects = cloud.Connects.Count(c => c.Username == "claim." + FakeCloud.ClaimId);

        await agent.StartAsync();
        await Eventually.WaitAsync(() => Task.FromResult(cloud.Connects.Count(c => c.ClientId == "acme.pos-1") >= 2), TimeSpan.FromSeconds(15), "reconnect with stored credentials");

        Assert.Equal(claimConnects, cloud.Connects.Count(c => c.Username == "claim." + FakeCloud.ClaimId));
        Assert.Single(cloud.Requests);
    }

    internal static async Task<ChunkMetadata> WaitForChunkAsync(FakeCloud cloud, string tenant, string device)
    {
        var topic = TopicTree.Chunk(tenant, device);
        await Eventually.WaitAsync(() => Task.FromResult(cloud.On(topic).Count > 0), TimeSpan.FromSeconds(30), "a chunk on " + topic,
            () => Task.FromResult(string.Join(", ", cloud.Messages.Select(m => m.Topic).Distinct())));
        var decoded = ChunkEnvelope.TryDecode(new System.Buffers.ReadOnlySequence<byte>(cloud.On(topic)[0].Payload), 64 << 20);
        Assert.True(decoded.Metadata is not null, decoded.Error);
        return decoded.Metadata;
    }
}
