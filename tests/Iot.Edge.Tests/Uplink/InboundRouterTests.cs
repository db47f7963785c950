using Iot.Edge.Agent.Commands;
using Iot.Edge.Agent.Hosting;
using Iot.Edge.Agent.Uplink;
using Iot.Edge.Tests.Hosting;
using Iot.Edge.Tests.Provisioning;
using Iot.Mqtt;
using Iot.Protocol.Messages;
using Iot.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Iot.Edge.Tests.Uplink;

/// <summary>
/// The inbound router on its own (issue 18 item 1): commands, desired config and Home Assistant's birth message
/// arrive through a real MQTTnet broker, and the answers go back out, with no uplink in the process. The router is
/// resolved from the agent's own container, so it runs with the real dispatcher and config applier.
/// </summary>
public sealed class InboundRouterTests : IAsyncLifetime
{
    private static readonly SessionTopics Topics = new("acme", "pos-1");
    private readonly TempDirectory _dir = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly RotationRequests _rotations = new();
    private FakeCloud _cloud = null!;
    private IHost _host = null!;
    private MqttSession _session = null!;
    private InboundRouter _router = null!;
    private SessionTopics? _current = Topics;
    private Task _running = Task.CompletedTask;

    public async Task InitializeAsync()
    {
        _cloud = await FakeCloud.StartAsync();
        _cloud.Allow("dev.acme.pos-1", "pw");
        var settings = await AgentHostTests.ValidSettingsAsync(_dir);
        settings["HomeAssistant:Enabled"] = "true";
        _host = AgentHost.CreateBuilder([], settings).Build();
        _router = _host.Services.GetRequiredService<InboundRouter>();
        _session = new MqttSession("test-router", TimeProvider.System);

        // What the uplink does on MQTTnet's loop: hand the router its topics, never wait.
        _session.MessageReceived += e =>
        {
            if (Volatile.Read(ref _current) is { } topics && _router.Handles(e.ApplicationMessage.Topic, topics))
            {
                _router.Enqueue(e.ApplicationMessage);
            }

            return Task.CompletedTask;
        };
        var outcome = await _session.ConnectAsync(
            new MqttConnectSettings { Host = "127.0.0.1", Port = _cloud.Port, ClientId = "dev-acme-pos-1", Username = "dev.acme.pos-1", Password = "pw" },
            [new(Topics.Cmd), new(Topics.Config), new("homeassistant/status")],
            CancellationToken.None);
        Assert.True(outcome.IsConnected, outcome.Reason);
        _running = _router.RunAsync(_session.Client, () => Volatile.Read(ref _current), _rotations, _stop.Token);
    }

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        await _running;
        await _session.DisconnectAsync("test done", null, CancellationToken.None);
        _session.Dispose();
        _host.Dispose();
        await _cloud.DisposeAsync();
        _stop.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public async Task A_command_is_answered_with_its_id_and_an_unreadable_one_is_not()
    {
        await _cloud.PublishRawAsync(Topics.Cmd, "{not json");
        var command = new DeviceCommand { CommandId = Guid.NewGuid(), Name = "self-destruct", IssuedAtUtc = DateTimeOffset.UtcNow };
        await _cloud.PublishAsync(Topics.Cmd, command);

        var result = await _cloud.WaitForAsync<CommandResult>(Topics.CmdResult, r => r.CommandId == command.CommandId, "command answered");

        Assert.Equal(CommandStatus.Rejected, result.Status);
        Assert.Contains("unknown command", result.Detail, StringComparison.Ordinal);
        Assert.Single(_cloud.On(Topics.CmdResult));
    }

    [Fact]
    public async Task Credential_rotation_goes_to_the_session_it_was_given_and_the_answer_to_the_topics_now_current()
    {
        var command = new DeviceCommand { CommandId = Guid.NewGuid(), Name = "rotate-credentials", Args = new Dictionary<string, string> { ["password"] = "new-pw" }, IssuedAtUtc = DateTimeOffset.UtcNow };
        var renamed = new SessionTopics("acme", "pos-2");
        _rotations.During = () => Volatile.Write(ref _current, renamed);

        await _cloud.PublishAsync(Topics.Cmd, command);

        var result = await _cloud.WaitForAsync<CommandResult>(renamed.CmdResult, r => r.CommandId == command.CommandId, "rotation answered");
        Assert.Equal(CommandStatus.Done, result.Status);
        Assert.Equal([(command.CommandId, "new-pw")], _rotations.Calls);
        Assert.Empty(_cloud.On(Topics.CmdResult));
    }

    [Fact]
    public async Task A_newer_desired_config_is_applied_and_reported_retained_and_an_empty_one_is_ignored()
    {
        await _cloud.PublishRawAsync(Topics.Config, "", retain: false);
        await _cloud.PublishAsync(Topics.Config, new DeviceConfigDocument { Version = 3, IssuedAtUtc = DateTimeOffset.UtcNow, Recording = new RecordingConfig { Trigger = "Visits" } });

        var reported = await _cloud.WaitForAsync<ReportedConfig>(Topics.Reported, r => r.AppliedVersion == 3, "config reported");

        Assert.Equal(3, reported.AppliedVersion);
        Assert.Single(_cloud.On(Topics.Reported));

        // Retained: a cloud that subscribes later still learns what the device runs.
        _cloud.Allow("late", "pw");
        using var late = new MqttSession("test-late", TimeProvider.System);
        var retained = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        late.MessageReceived += e =>
        {
            retained.TrySetResult(e.ApplicationMessage.Retain);
            return Task.CompletedTask;
        };
        await late.ConnectAsync(new MqttConnectSettings { Host = "127.0.0.1", Port = _cloud.Port, ClientId = "late", Username = "late", Password = "pw" }, [new(Topics.Reported)], CancellationToken.None);
        Assert.True(await retained.Task.WaitAsync(TimeSpan.FromSeconds(10)));
        await late.DisconnectAsync("done", null, CancellationToken.None);
    }

    [Fact]
    public async Task Home_assistant_coming_online_gets_the_discovery_again_and_going_offline_does_not()
    {
        await _cloud.PublishRawAsync("homeassistant/status", "offline");
        await Task.Delay(500);
        Assert.Equal(0, Discoveries());

        await _cloud.PublishRawAsync("homeassistant/status", "online");

        await Eventually.WaitAsync(() => Task.FromResult(Discoveries() > 0), TimeSpan.FromSeconds(10), "discovery announced");
    }

    private int Discoveries() =>
        _cloud.Messages.Count(m => m.Topic.StartsWith("homeassistant/", StringComparison.Ordinal) && m.Topic.EndsWith("/config", StringComparison.Ordinal) && m.Payload.Length > 0);

    /// <summary>
    /// The router's side of the seam to the live session: it records what the dispatcher asked for. This is the
    /// boundary under test (rotation reaches whatever session the router was handed, not the uplink), not a stand-in
    /// for a system part.
    /// </summary>
    private sealed class RotationRequests : ICommandSession
    {
        public List<(Guid, string)> Calls { get; } = [];

        public Action? During { get; set; }

        public Task<string?> RotateCredentialsAsync(Guid commandId, string password, CancellationToken ct)
        {
            Calls.Add((commandId, password));
            During?.Invoke();
            return Task.FromResult<string?>(null);
        }
    }
}
