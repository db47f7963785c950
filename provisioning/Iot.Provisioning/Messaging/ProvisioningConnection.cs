using System.Buffers;
using System.Threading.Channels;
using Iot.Mqtt;
using Iot.Protocol.Provisioning;
using Iot.Protocol.Serialization;
using Iot.Protocol.Topics;
using Iot.Provisioning.Fleet;
using Iot.Provisioning.Hosting;
using Iot.Provisioning.Service;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MQTTnet;
using MQTTnet.Protocol;

namespace Iot.Provisioning.Messaging;

/// <summary>
/// The provisioning service's own MQTT session (<c>svc.provisioning</c>): answers provisioning requests, records
/// command results, feeds the fleet tracker, and publishes for the operations API. Messages are handled on a worker,
/// never on MQTTnet's receive loop, which must stay free for the PUBACKs of what the handlers publish.
/// </summary>
public sealed partial class ProvisioningConnection : BackgroundService, IMessagePublisher
{
    private readonly MqttSession _session;
    private readonly Channel<(string Topic, byte[] Payload)> _inbox;
    private long _dropped;
    private readonly ProvisioningDecider _decider;
    private readonly CommandTracker _commands;
    private readonly ReportedConfigTracker _reported;
    private readonly FleetTracker _fleet;
    private readonly ProvisioningOptions _o;
    private readonly ILogger<ProvisioningConnection> _logger;
    private readonly TaskCompletionSource _subscribed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ProvisioningConnection(
        ProvisioningDecider decider,
        CommandTracker commands,
        ReportedConfigTracker reported,
        FleetTracker fleet,
        IOptions<ProvisioningOptions> options,
        TimeProvider time,
        ILogger<ProvisioningConnection> logger)
    {
        _decider = decider;
        _commands = commands;
        _reported = reported;
        _fleet = fleet;
        _o = options.Value;
        _logger = logger;
        _inbox = Channel.CreateBounded<(string, byte[])>(new BoundedChannelOptions(_o.InboxCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
        _session = new MqttSession("provisioning", time);
        _session.StateChanged += OnStateChanged;
        _session.MessageReceived += e =>
        {
            // Never wait here for room: this is MQTTnet's receive loop, which must stay free for the PUBACKs of what the
            // worker publishes. A full inbox drops; the sender retries.
            if (!_inbox.Writer.TryWrite((e.ApplicationMessage.Topic, e.ApplicationMessage.Payload.ToArray())))
            {
                var dropped = Interlocked.Increment(ref _dropped);
                if ((dropped & (dropped - 1)) == 0)
                {
                    LogInboxFull(_o.InboxCapacity, dropped);
                }
            }

            return Task.CompletedTask;
        };
    }

    /// <summary>Messages dropped because the inbox was full (<see cref="ProvisioningOptions.InboxCapacity"/>).</summary>
    public long DroppedMessages => Interlocked.Read(ref _dropped);

    /// <summary>Messages waiting in the inbox for the worker.</summary>
    public int InboxDepth => _inbox.Reader.Count;

    /// <summary>Completes once every subscription is granted.</summary>
    public Task Subscribed => _subscribed.Task;

    public async Task PublishAsync(string topic, byte[] payload, bool retain, CancellationToken cancellationToken)
    {
        var message = new MqttApplicationMessageBuilder()
            .WithTopic(topic)
            .WithPayload(payload)
            .WithRetainFlag(retain)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .Build();
        MqttClientPublishResult result;
        try
        {
            result = await _session.PublishAsync(message, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is MQTTnet.Exceptions.MqttCommunicationException or MQTTnet.Exceptions.MqttClientNotConnectedException)
        {
            throw new InvalidOperationException($"cannot publish to {topic}: {ex.Message}", ex);
        }

        if (!result.IsSuccess)
        {
            throw new InvalidOperationException($"broker refused publish to {topic}: {result.ReasonCode}");
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        if (_session.IsConnected)
        {
            try
            {
                await _session.DisconnectAsync("shutdown", sessionExpirySeconds: null, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is MQTTnet.Exceptions.MqttCommunicationException or OperationCanceledException or ObjectDisposedException)
            {
                LogDisconnectFailed(ex.Message);
            }
        }
    }

    public override void Dispose()
    {
        _session.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var worker = ProcessInboxAsync(stoppingToken);
        var settings = new MqttConnectSettings
        {
            Host = _o.BrokerHost,
            Port = _o.BrokerPort,
            ClientId = _o.ClientId,
            Username = _o.Username,
            Password = _o.Password,
        };
        MqttSubscription[] subscriptions =
        [
            Lenient(MaybeShared(ProvisioningTopics.AllRequests)),
            Lenient(MaybeShared(TopicTree.Prefix + "+/+/cmdresult")),
            Lenient(MaybeShared(TopicTree.Prefix + "+/+/reported")),
            Lenient(TopicTree.Prefix + "+/+/status"),
            Lenient(TopicTree.Prefix + "+/+/telemetry"),
        ];
        await _session.RunAsync(
            () => settings,
            subscriptions,
            MqttReconnectPolicy.Cloud,
            (_, _) =>
            {
                LogConnected(_o.BrokerHost, _o.BrokerPort, _o.Username);
                _subscribed.TrySetResult();
                return Task.CompletedTask;
            },
            LogIterationFailed,
            stoppingToken).ConfigureAwait(false);
        _inbox.Writer.TryComplete();
        await worker.ConfigureAwait(false);
    }

    private string MaybeShared(string filter) => _o.UseSharedSubscription ? TopicTree.Shared(_o.SharedGroup, filter) : filter;

    /// <summary>Any grant will do: status and telemetry are fire-and-forget, and the rest are retried by their senders.</summary>
    private static MqttSubscription Lenient(string filter) => new(filter) { MinimumGranted = MqttQualityOfServiceLevel.AtMostOnce };

    private void OnStateChanged(MqttSessionStateChange change)
    {
        switch (change.Attempt)
        {
            case MqttConnectStatus.Unreachable:
                LogConnectFailed(_o.BrokerHost, _o.BrokerPort, change.Reason);
                break;
            case MqttConnectStatus.Refused:
                LogConnectRefused(_o.BrokerHost, _o.BrokerPort, change.Reason, null);
                break;
            case MqttConnectStatus.SubscribeRefused:
                LogSubscribeRefused(change.Reason);
                break;
        }
    }

    private async Task ProcessInboxAsync(CancellationToken ct)
    {
        try
        {
            await foreach (var (topic, payload) in _inbox.Reader.ReadAllAsync(ct).ConfigureAwait(false))
            {
                try
                {
                    await DispatchAsync(topic, payload, ct).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
                {
                    LogHandlerFailed(topic, ex);
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    private async Task DispatchAsync(string topic, byte[] payload, CancellationToken ct)
    {
        if (ProvisioningTopics.TryParseRequest(topic, out var serial))
        {
            var response = await _decider.DecideAsync(serial, payload, ct).ConfigureAwait(false);
            LogAnswered(serial, response.Status.ToString(), response.Reason);
            await PublishAsync(ProvisioningTopics.Response(serial), ProtocolJson.Serialize(response), retain: false, ct).ConfigureAwait(false);
            return;
        }

        if (!TopicTree.TryParse(topic, out var parsed))
        {
            return;
        }

        switch (parsed.Kind)
        {
            case TopicKind.CmdResult:
                await _commands.OnResultAsync(parsed.TenantId, parsed.DeviceId, payload, ct).ConfigureAwait(false);
                break;
            case TopicKind.Reported:
                await _reported.OnReportedAsync(parsed.TenantId, parsed.DeviceId, payload, ct).ConfigureAwait(false);
                break;
            case TopicKind.Status:
            case TopicKind.Telemetry:
                _fleet.Observe(parsed, payload);
                break;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Provisioning session connected to {Host}:{Port} as {Username}")]
    private partial void LogConnected(string host, int port, string username);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Provisioning cannot reach broker {Host}:{Port}: {Error}")]
    private partial void LogConnectFailed(string host, int port, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Broker {Host}:{Port} refused the provisioning session: {Code} {ReasonString}")]
    private partial void LogConnectRefused(string host, int port, string code, string? reasonString);

    [LoggerMessage(Level = LogLevel.Error, Message = "Broker refused provisioning subscriptions: {Refused}")]
    private partial void LogSubscribeRefused(string refused);

    [LoggerMessage(Level = LogLevel.Error, Message = "Provisioning connection iteration failed")]
    private partial void LogIterationFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Handling {Topic} failed")]
    private partial void LogHandlerFailed(string topic, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Provisioning request from {Serial}: {Status} {Reason}")]
    private partial void LogAnswered(string serial, string status, string? reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Provisioning inbox full ({Capacity}): message dropped, {Dropped} so far (logged at powers of two)")]
    private partial void LogInboxFull(int capacity, long dropped);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Clean disconnect failed: {Error}")]
    private partial void LogDisconnectFailed(string error);
}
