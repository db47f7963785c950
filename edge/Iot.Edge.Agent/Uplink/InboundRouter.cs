using System.Buffers;
using System.Threading.Channels;
using Iot.Edge.Agent.Commands;
using Iot.Edge.Agent.DesiredConfig;
using Iot.Protocol.Messages;
using Iot.Protocol.Serialization;
using Microsoft.Extensions.Logging;
using MQTTnet;
using MQTTnet.Protocol;

namespace Iot.Edge.Agent.Uplink;

/// <summary>
/// What the cloud (and Home Assistant) send the device besides acks: commands, desired config, Home Assistant's
/// birth message. Handled on its own worker, off MQTTnet's receive loop: a QoS 1 publish awaited inside that loop's
/// handler would wait for a PUBACK the loop itself has to read. Commands that need the live session (credential
/// rotation) get it through <see cref="ICommandSession"/>, an interface the commands own, so nothing here calls back
/// into the uplink.
/// </summary>
internal sealed partial class InboundRouter(
    CommandDispatcher commands,
    DesiredConfigApplier config,
    HomeAssistant.HomeAssistantDiscovery homeAssistant,
    ILogger<InboundRouter> logger)
{
    // Unbounded on purpose, as before the split: only the device's own cmd/config topics and Home Assistant's status
    // arrive here (the broker's ACL admits nothing else), and dropping a command would leave the operator without an answer.
    private readonly Channel<MqttApplicationMessage> _inbound = Channel.CreateUnbounded<MqttApplicationMessage>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ILogger<InboundRouter> _logger = logger;

    /// <summary>Whether <paramref name="topic"/> is one this router handles for the session on <paramref name="topics"/>.</summary>
    public bool Handles(string topic, SessionTopics topics) =>
        topic == topics.Cmd || topic == topics.Config || (homeAssistant.Enabled && topic == homeAssistant.StatusTopic);

    /// <summary>Queues a message for the worker; never waits (called on MQTTnet's receive loop).</summary>
    public void Enqueue(MqttApplicationMessage message) => _inbound.Writer.TryWrite(message);

    /// <summary>
    /// Handles queued messages until <paramref name="ct"/> ends. <paramref name="topics"/> says which session is current
    /// (null: none, messages are dropped); answers go out on <paramref name="client"/>.
    /// </summary>
    public async Task RunAsync(IMqttClient client, Func<SessionTopics?> topics, ICommandSession session, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(topics);
        try
        {
            await foreach (var message in _inbound.Reader.ReadAllAsync(ct).ConfigureAwait(false))
            {
                try
                {
                    await HandleAsync(client, message, topics, session, ct).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
                {
                    LogInboundFailed(ex, message.Topic);
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    /// <summary>Publishes the configuration in force (retained), as after applying a desired config and at every connect.</summary>
    public async Task PublishReportedAsync(IMqttClient client, SessionTopics topics, ReportedConfig report, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(topics);
        await client.PublishAsync(
            new MqttApplicationMessageBuilder()
                .WithTopic(topics.Reported)
                .WithPayload(ProtocolJson.Serialize(report))
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                .WithRetainFlag(true)
                .Build(),
            ct).ConfigureAwait(false);
    }

    private async Task HandleAsync(IMqttClient client, MqttApplicationMessage message, Func<SessionTopics?> currentTopics, ICommandSession session, CancellationToken ct)
    {
        if (currentTopics() is not { } topics)
        {
            return;
        }

        var payload = message.Payload.ToArray();
        if (homeAssistant.Enabled && message.Topic == homeAssistant.StatusTopic)
        {
            if (System.Text.Encoding.UTF8.GetString(payload) == "online")
            {
                await homeAssistant.AnnounceAsync(client, topics, ct).ConfigureAwait(false);
            }
        }
        else if (message.Topic == topics.Config)
        {
            if (payload.Length == 0)
            {
                return;
            }

            var desired = ProtocolJson.TryDeserialize<DeviceConfigDocument>(payload, out var configError);
            var report = desired is null ? null : config.Apply(desired);
            if (desired is null)
            {
                LogBadConfig(configError);
            }
            else if (report is not null && currentTopics() is { } now)
            {
                await PublishReportedAsync(client, now, report, ct).ConfigureAwait(false);
            }
        }
        else if (message.Topic == topics.Cmd)
        {
            var command = ProtocolJson.TryDeserialize<DeviceCommand>(payload, out var commandError);
            if (command is null)
            {
                LogBadCommand(commandError);
                return;
            }

            var outcome = await commands.HandleAsync(command, session, ct).ConfigureAwait(false);

            // A rotation may have replaced the session while the command ran: answer on the one now current.
            var answerTopics = currentTopics() ?? topics;
            await PublishResultAsync(client, answerTopics, outcome.Result, ct).ConfigureAwait(false);
            outcome.AfterAnswer?.Invoke();
        }
    }

    /// <summary>A command's answer on the device's result topic (QoS 1): the final one here, <c>accepted</c> from the rotation.</summary>
    public static async Task PublishResultAsync(IMqttClient client, SessionTopics topics, CommandResult result, CancellationToken ct) =>
        await client.PublishAsync(
            new MqttApplicationMessageBuilder()
                .WithTopic(topics.CmdResult)
                .WithPayload(ProtocolJson.Serialize(result))
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                .Build(),
            ct).ConfigureAwait(false);

    [LoggerMessage(Level = LogLevel.Error, Message = "Handling a message on {Topic} failed")]
    private partial void LogInboundFailed(Exception exception, string topic);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Unreadable desired config ignored: {Error}")]
    private partial void LogBadConfig(string? error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Unreadable command ignored: {Error}")]
    private partial void LogBadCommand(string? error);
}
