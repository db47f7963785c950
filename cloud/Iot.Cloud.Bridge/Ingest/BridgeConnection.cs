using System.Buffers;
using System.Threading.Channels;
using Iot.Cloud.Bridge.Broker;
using Iot.Protocol.Messages;
using Iot.Mqtt;
using Iot.Protocol.Serialization;
using Iot.Protocol.Topics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MQTTnet;
using MQTTnet.Protocol;

namespace Iot.Cloud.Bridge.Ingest;

/// <summary>
/// The bridge's MQTT session: subscribes to every device's chunk topic (shared when the broker supports it), hands
/// messages to the ingest queue and publishes acks. Keeps reconnecting with backoff for as long as the host runs.
/// </summary>
public sealed partial class BridgeConnection : BackgroundService
{
    private readonly MqttSession _session;
    private readonly ChannelWriter<ReceivedMessage> _queue;
    private readonly IngestMetrics _metrics;
    private readonly BrokerOptions _broker;
    private readonly BridgeOptions _bridge;
    private readonly TimeProvider _time;
    private readonly ILogger<BridgeConnection> _logger;
    private readonly TaskCompletionSource _subscribed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stopping = new();
    private int _disposed;

    public BridgeConnection(
        Channel<ReceivedMessage> queue,
        IngestMetrics metrics,
        IOptions<BrokerOptions> broker,
        IOptions<BridgeOptions> bridge,
        TimeProvider time,
        ILogger<BridgeConnection> logger)
    {
        _session = new MqttSession("bridge", time);
        _queue = queue.Writer;
        _metrics = metrics;
        _broker = broker.Value;
        _bridge = bridge.Value;
        _time = time;
        _logger = logger;
        _session.MessageReceived += OnMessageAsync;
        _session.StateChanged += OnStateChanged;
    }

    /// <summary>Completes once the first subscription is granted; lets callers wait until the bridge is listening.</summary>
    public Task Subscribed => _subscribed.Task;

    public bool IsConnected => _session.IsConnected;

    public string SubscriptionFilter => _broker.Mode == BrokerMode.External
        ? TopicTree.Shared(_broker.SharedGroup, TopicTree.AllChunks)
        : TopicTree.AllChunks;

    public async Task<bool> PublishAckAsync(string tenantId, string deviceId, ChunkAck ack, CancellationToken cancellationToken)
    {
        var message = new MqttApplicationMessageBuilder()
            .WithTopic(TopicTree.Ack(tenantId, deviceId))
            .WithPayload(ProtocolJson.Serialize(ack))
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .Build();
        try
        {
            var result = await _session.PublishAsync(message, cancellationToken).ConfigureAwait(false);
            if (!result.IsSuccess)
            {
                LogAckRefused(tenantId, deviceId, result.ReasonCode.ToString());
            }

            return result.IsSuccess;
        }
        catch (Exception ex) when (ex is MQTTnet.Exceptions.MqttCommunicationException or MQTTnet.Exceptions.MqttClientNotConnectedException)
        {
            // The device resends after its ack timeout; the duplicate is then acked.
            LogAckFailed(tenantId, deviceId, ex.Message);
            return false;
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        // First: a message waiting for room in the queue (the workers have stopped) would hold MQTTnet's disconnect.
        await _stopping.CancelAsync().ConfigureAwait(false);
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        if (_session.IsConnected)
        {
            try
            {
                // Leave the shared group before going: Mosquitto 2.0 keeps dealing an offline member its share of
                // chunks while the session lives, even after a DISCONNECT asking for expiry 0 (measured), so only an
                // UNSUBSCRIBE stops it. Whatever this bridge had not acked, the devices re-send.
                await _session.Client.UnsubscribeAsync(SubscriptionFilter, cancellationToken).ConfigureAwait(false);
                await _session.DisconnectAsync("shutdown", sessionExpirySeconds: 0, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is MQTTnet.Exceptions.MqttCommunicationException or OperationCanceledException or ObjectDisposedException)
            {
                LogDisconnectFailed(ex.Message);
            }
        }
    }

    public override void Dispose()
    {
        // Twice when the container disposes it both as itself and as the hosted service it is registered as.
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        _stopping.Cancel();
        _session.Dispose();
        _stopping.Dispose();
        base.Dispose();
    }

    /// <summary>Drops the broker connection without a DISCONNECT packet, as a crashed process would. For fault tests.</summary>
    internal void Abort() => _session.Abort();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = Settings();
        await _session.RunAsync(
            () => settings,
            [new MqttSubscription(SubscriptionFilter)],
            MqttReconnectPolicy.Cloud,
            (outcome, _) =>
            {
                LogConnected(settings.Host, settings.Port, SubscriptionFilter, outcome.SessionPresent);
                _subscribed.TrySetResult();
                return Task.CompletedTask;
            },
            LogIterationFailed,
            stoppingToken).ConfigureAwait(false);
    }

    private MqttConnectSettings Settings() => new()
    {
        Host = _broker.Mode == BrokerMode.Embedded ? "127.0.0.1" : _broker.Host,
        Port = _broker.Port,
        ClientId = _bridge.InstanceId,
        Username = _broker.Username,
        Password = _broker.Password,
        CleanStart = false,
        SessionExpirySeconds = (uint)_broker.SessionExpirySeconds,
        KeepAlive = TimeSpan.FromSeconds(15),

        // The broker may have at most this many unacknowledged chunks out to us: exactly what the queue holds. Not every
        // broker keeps to it (see OnMessageAsync), so it limits how much waits in our memory, not whether we drop.
        ReceiveMaximum = (ushort)Math.Clamp(_bridge.QueueCapacity, 1, 65535),
    };

    private void OnStateChanged(MqttSessionStateChange change)
    {
        if (change.Settings is not { } s)
        {
            return;
        }

        switch (change.Attempt)
        {
            case MqttConnectStatus.Unreachable:
                LogConnectFailed(s.Host, s.Port, change.Reason);
                break;
            case MqttConnectStatus.Refused:
                LogConnectRefused(s.Host, s.Port, change.Reason, null);
                break;
            case MqttConnectStatus.SubscribeRefused:
                LogSubscribeRefused(SubscriptionFilter, change.Reason);
                break;
        }
    }

    private async Task OnMessageAsync(MqttApplicationMessageReceivedEventArgs e)
    {
        _metrics.OnReceived();

        // The PUBACK for this message is sent by the worker once the chunk is settled, never here: a message this
        // bridge has not taken stays the broker's to deliver again.
        e.AutoAcknowledge = false;
        var generation = _session.Generation;
        var (traceParent, traceState) = IngestTracing.ReadContext(e.ApplicationMessage.UserProperties);
        var message = new ReceivedMessage(e.ApplicationMessage.Topic, e.ApplicationMessage.Payload.ToArray(), _time.GetUtcNow(), ct => ReleaseAsync(e, generation, ct), traceParent, traceState);
        if (_queue.TryWrite(message))
        {
            return;
        }

        // Full: wait for room instead of dropping. The receive maximum (= queue capacity) should have prevented this,
        // but brokers overshoot it: MQTTnet's server ignores it altogether, Mosquitto before 2.0.13 lets more out when
        // PUBACKs come out of order (two workers), and a resumed session redelivers what is still queued here. Waiting
        // is safe: MQTTnet 5 runs this handler on its own publish-processing task, not on the loop that reads packets,
        // so the PUBACKs of the acks we publish keep arriving and the workers keep draining the queue; only the next
        // PUBLISH is not handed to us until this one is taken. Those stay unacknowledged with the broker (or in the
        // client's receive buffer when the broker ignores our receive maximum), bounded by the devices' own windows.
        var started = _time.GetTimestamp();
        _metrics.OnPaused();
        try
        {
            await _queue.WriteAsync(message, _stopping.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException && _stopping.IsCancellationRequested)
        {
            // Host stopping: the message was not taken and is not PUBACKed, so the broker keeps it for the next session.
            LogNotTakenOnStop(e.ApplicationMessage.Topic);
        }
        finally
        {
            _metrics.OnResumed(_time.GetElapsedTime(started));
        }
    }

    private Task ReleaseAsync(MqttApplicationMessageReceivedEventArgs e, long generation, CancellationToken cancellationToken)
    {
        if (_session.Generation != generation)
        {
            // Received on an earlier connection: the broker redelivers it on this one (as a duplicate we ack again), and
            // its old packet identifier may now name a different message that we have not taken.
            LogStaleRelease(e.ApplicationMessage.Topic, e.PacketIdentifier);
            return Task.CompletedTask;
        }

        return e.AcknowledgeAsync(cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Stopping while {Topic} waited for room in the ingest queue; not taken, the broker keeps it")]
    private partial void LogNotTakenOnStop(string topic);

    [LoggerMessage(Level = LogLevel.Debug, Message = "No PUBACK for {Topic} (packet {PacketId}): received on an earlier connection, the broker redelivers it")]
    private partial void LogStaleRelease(string topic, ushort packetId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Bridge connected to {Host}:{Port}, subscribed to {Filter} (session present: {SessionPresent})")]
    private partial void LogConnected(string host, int port, string filter, bool sessionPresent);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cannot reach broker {Host}:{Port}: {Error}")]
    private partial void LogConnectFailed(string host, int port, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Broker {Host}:{Port} refused the bridge: {Code} {ReasonString}")]
    private partial void LogConnectRefused(string host, int port, string code, string? reasonString);

    [LoggerMessage(Level = LogLevel.Error, Message = "Broker refused subscription {Filter}: {Code}")]
    private partial void LogSubscribeRefused(string filter, string code);

    [LoggerMessage(Level = LogLevel.Error, Message = "Bridge connection iteration failed")]
    private partial void LogIterationFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ack to {TenantId}/{DeviceId} refused by broker: {Code}")]
    private partial void LogAckRefused(string tenantId, string deviceId, string code);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ack to {TenantId}/{DeviceId} not sent: {Error}")]
    private partial void LogAckFailed(string tenantId, string deviceId, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Clean disconnect failed: {Error}")]
    private partial void LogDisconnectFailed(string error);
}
