using Iot.Edge.Agent.Recording;
using Iot.Edge.Tests.Provisioning;
using Iot.Protocol.Messages;
using Iot.Protocol.Topics;
using Iot.TestSupport;
using Microsoft.Extensions.Hosting;

namespace Iot.Edge.Tests.Commands;

public class CommandResultTests
{
    private static readonly string Cmd = TopicTree.Cmd("acme", "pos-1");
    private static readonly string Results = TopicTree.CmdResult("acme", "pos-1");

    [Theory]
    [InlineData("blink", CommandStatus.Done, "no status LED")]
    [InlineData("stop-recording", CommandStatus.Done, "manual-stop")]
    [InlineData("upload-logs", CommandStatus.Rejected, "not supported yet")]
    [InlineData("self-destruct", CommandStatus.Rejected, "unknown command")]
    [InlineData("visit_call", CommandStatus.Rejected, "needs a transactionId")]
    public async Task Every_command_gets_a_result_with_its_id(string name, CommandStatus expected, string detail)
    {
        await using var cloud = await FakeCloud.StartAsync();
        using var dir = new TempDirectory();
        await using var agent = await AgentRig.CreateAsync(cloud, dir);
        await agent.StartProvisionedAsync(cloud);

        var result = await SendAsync(cloud, name);

        Assert.Equal(expected, result.Status);
        Assert.Contains(detail, result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_and_stop_recording_override_the_trigger_until_the_policy_changes()
    {
        await using var cloud = await FakeCloud.StartAsync();
        using var dir = new TempDirectory();
        await using var agent = await AgentRig.CreateAsync(cloud, dir);
        await agent.StartProvisionedAsync(cloud);
        var controller = agent.Get<RecordingController>();

        await SendAsync(cloud, "stop-recording");
        Assert.Equal("manual-stop", controller.Evaluate().Reason);
        await cloud.PublishAsync(TopicTree.Config("acme", "pos-1"), new DeviceConfigDocument { Version = 1, IssuedAtUtc = DateTimeOffset.UtcNow, Recording = new RecordingConfig { Trigger = "Visits" } });
        await cloud.WaitForAsync<ReportedConfig>(TopicTree.Reported("acme", "pos-1"), r => r.AppliedVersion == 1, "config applied");
        Assert.Equal("no-visit", controller.Evaluate().Reason);

        await SendAsync(cloud, "start-recording");
        Assert.Equal("manual-start", controller.Evaluate().Reason);
    }

    [Fact]
    public async Task An_expired_command_is_answered_expired_and_not_run()
    {
        await using var cloud = await FakeCloud.StartAsync();
        using var dir = new TempDirectory();
        await using var agent = await AgentRig.CreateAsync(cloud, dir);
        await agent.StartProvisionedAsync(cloud);

        var result = await SendAsync(cloud, "stop-recording", expires: DateTimeOffset.UtcNow.AddMinutes(-1));

        Assert.Equal(CommandStatus.Expired, result.Status);
        Assert.NotEqual("manual-stop", agent.Get<RecordingController>().Evaluate().Reason);
    }

    [Fact]
    public async Task A_repeated_command_id_is_answered_again_without_running_twice()
    {
        await using var cloud = await FakeCloud.StartAsync();
        using var dir = new TempDirectory();
        await using var agent = await AgentRig.CreateAsync(cloud, dir);
        await agent.StartProvisionedAsync(cloud);
        var command = new DeviceCommand
        {
            CommandId = Guid.NewGuid(),
            Name = "visit_call",
            Args = new Dictionary<string, string> { ["transactionId"] = "t-1" },
            IssuedAtUtc = DateTimeOffset.UtcNow,
        };

        await cloud.PublishAsync(Cmd, command);
        await Eventually.WaitAsync(() => Task.FromResult(Answers(cloud, command.CommandId).Count == 1), TimeSpan.FromSeconds(15), "first answer");
        await cloud.PublishAsync(Cmd, command);
        await Eventually.WaitAsync(() => Task.FromResult(Answers(cloud, command.CommandId).Count == 2), TimeSpan.FromSeconds(15), "second answer");

        var answers = Answers(cloud, command.CommandId);
        Assert.Equal(answers[0], answers[1]);
        Assert.Equal("visit t-1 started", answers[0].Detail);
    }

    [Fact]
    public async Task Restart_is_answered_done_and_then_stops_the_host()
    {
        await using var cloud = await FakeCloud.StartAsync();
        using var dir = new TempDirectory();
        await using var agent = await AgentRig.CreateAsync(cloud, dir);
        await agent.StartProvisionedAsync(cloud);
        var stopping = agent.Get<IHostApplicationLifetime>().ApplicationStopping;

        var result = await SendAsync(cloud, "restart");

        Assert.Equal(CommandStatus.Done, result.Status);
        await Eventually.WaitAsync(() => Task.FromResult(stopping.IsCancellationRequested), TimeSpan.FromSeconds(10), "host stopping");
    }

    [Fact]
    public async Task Rotated_credentials_are_kept_only_after_the_broker_accepts_them()
    {
        await using var cloud = await FakeCloud.StartAsync();
        using var dir = new TempDirectory();
        await using var agent = await AgentRig.CreateAsync(cloud, dir);
        await agent.StartProvisionedAsync(cloud);

        var refused = await SendAsync(cloud, "rotate-credentials", args: new Dictionary<string, string> { ["password"] = "not-registered" });
        Assert.Equal(CommandStatus.Failed, refused.Status);
        Assert.Contains("\"pw-1\"", await File.ReadAllTextAsync(agent.CredentialsPath), StringComparison.Ordinal);

        cloud.Allow("acme.pos-1", "pw-2");
        var done = await SendAsync(cloud, "rotate-credentials", args: new Dictionary<string, string> { ["password"] = "pw-2" });

        Assert.Equal(CommandStatus.Done, done.Status);
        Assert.Contains("\"pw-2\"", await File.ReadAllTextAsync(agent.CredentialsPath), StringComparison.Ordinal);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, agent.CredentialsMode);
        Assert.Equal("pw-2", cloud.Connects.Last(c => c.ClientId == "acme.pos-1").Password);
        Assert.Equal(CommandStatus.Done, (await SendAsync(cloud, "blink")).Status);
    }

    [Fact]
    public async Task A_rotation_is_reported_accepted_first_so_a_broker_that_switches_on_that_signal_lets_the_new_secret_in()
    {
        await using var cloud = await FakeCloud.StartAsync();
        using var dir = new TempDirectory();
        await using var agent = await AgentRig.CreateAsync(cloud, dir);
        await agent.StartProvisionedAsync(cloud);
        var command = new DeviceCommand { CommandId = Guid.NewGuid(), Name = "rotate-credentials", IssuedAtUtc = DateTimeOffset.UtcNow, Args = new Dictionary<string, string> { ["password"] = "pw-3" } };

        // Like the cloud with Mosquitto: the new secret becomes valid only once the device said it accepted the command.
        await cloud.PublishAsync(Cmd, command);
        var accepted = await cloud.WaitForAsync<CommandResult>(Results, r => r.CommandId == command.CommandId, "first answer");
        Assert.Equal(CommandStatus.Accepted, accepted.Status);
        cloud.Allow("acme.pos-1", "pw-3");
        var done = await cloud.WaitForAsync<CommandResult>(Results, r => r.CommandId == command.CommandId && r.Status != CommandStatus.Accepted, "final answer");

        Assert.Equal(CommandStatus.Done, done.Status);
        Assert.Contains("\"pw-3\"", await File.ReadAllTextAsync(agent.CredentialsPath), StringComparison.Ordinal);
    }

    private static List<CommandResult> Answers(FakeCloud cloud, Guid id) => cloud.Decoded<CommandResult>(Results).Where(r => r.CommandId == id).ToList();

    private static async Task<CommandResult> SendAsync(FakeCloud cloud, string name, DateTimeOffset? expires = null, Dictionary<string, string>? args = null)
    {
        var command = new DeviceCommand { CommandId = Guid.NewGuid(), Name = name, IssuedAtUtc = DateTimeOffset.UtcNow, ExpiresAtUtc = expires, Args = args ?? [] };
        await cloud.PublishAsync(Cmd, command);
        return await cloud.WaitForAsync<CommandResult>(Results, r => r.CommandId == command.CommandId && r.Status != CommandStatus.Accepted, "final answer to " + name);
    }
}
