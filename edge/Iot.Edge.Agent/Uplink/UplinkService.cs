using System.Buffers;
using System.Collections.Concurrent;
using System.Threading.Channels;
using Iot.Edge.Agent.Commands;
using Iot.Edge.Agent.Hosting;
using Iot.Edge.Agent.Outbox;
using Iot.Protocol.Chunks;
using Iot.Protocol.Messages;
using Iot.Protocol.Retry;
using Iot.Protocol.Serialization;
using Iot.Protocol.Topics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MQTTnet;
using MQTTnet.Protocol;

namespace Iot.Edge.Agent.Uplink;

/// <summary>
/// Drains the outbox to the broker, oldest first, keeping up to <see cref="MqttOptions.MaxInFlight"/> chunks awaiting
/// the cloud's application ack. A chunk leaves the outbox only on a Stored/Duplicate ack; a PUBACK alone proves nothing
/// about durability. Unacked chunks are resent after the ack timeout, so the bridge must be (and is) idempotent.
/// </summary>
internal sealed partial class UplinkService : BackgroundService
{
    private readonly IMqttClient _client;
    private readonly ChunkOutbox _outbox;
    private readonly CommandDispatcher _commands;
    private readonly UplinkStatus _status;
    private readonly AgentOptions _agent;
    private readonly MqttOptions _mqtt;
    private readonly TimeProvider _time;
    private readonly ILogger<UplinkService> _logger;
    private readonly ExponentialBackoff _reconnectBackoff;
    private readonly ExponentialBackoff _retryBackoff = new(TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(10));
    private readonly ConcurrentDictionary<Guid, long> _inFlight = new();
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly string _ackTopic;
    private readonly string _cmdTopic;
    private readonly string _chunkTopic;
    private readonly string _statusTopic;
    private string _reconnectReason = "first-connect";

    public UplinkService(
        IMqttClient client,
        ChunkOutbox outbox,
        CommandDispatcher commands,
        UplinkStatus status,
        IOptions<AgentOptions> agent,
        IOptions<MqttOptions> mqtt,
        TimeProvider time,
        ILogger<UplinkService> logger)
    {
        _client = client;
        _outbox = outbox;
        _commands = commands;
        _status = status;
        _agent = agent.Value;
        _mqtt = mqtt.Value;
        _time = time;
        _logger = logger;
        _reconnectBackoff = new ExponentialBackoff(TimeSpan.FromMilliseconds(_mqtt.ReconnectMinMilliseconds), TimeSpan.FromMilliseconds(_mqtt.ReconnectMaxMilliseconds));
        _ackTopic = TopicTree.Ack(_agent.TenantId, _agent.DeviceId);
        _cmdTopic = TopicTree.Cmd(_agent.TenantId, _agent.DeviceId);
        _chunkTopic = TopicTree.Chunk(_agent.TenantId, _agent.DeviceId);
        _statusTopic = TopicTree.Status(_agent.TenantId, _agent.DeviceId);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        if (_client.IsConnected)
        {
            try
            {
                // A clean stop does not fire the will, so say offline ourselves.
                await PublishStatusAsync(DeviceState.Offline, "shutdown", cancellationToken).ConfigureAwait(false);
                await _client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().WithReason(MqttClientDisconnectOptionsReason.NormalDisconnection).Build(), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is MQTTnet.Exceptions.MqttCommunicationException or OperationCanceledException)
            {
                LogShutdownPublishFailed(ex);
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _client.ApplicationMessageReceivedAsync += OnMessageAsync;
        _client.DisconnectedAsync += OnDisconnectedAsync;
        _outbox.Committed += Wake;
        var failures = 0;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                _status.Beat(_time.GetTimestamp());
                try
                {
                    if (!_client.IsConnected && !await TryConnectAsync(stoppingToken).ConfigureAwait(false))
                    {
                        await Task.Delay(_reconnectBackoff.Delay(failures++), _time, stoppingToken).ConfigureAwait(false);
                        continue;
                    }

                    failures = 0;
                    await PumpAsync(stoppingToken).ConfigureAwait(false);
                    await WaitForWorkAsync(stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    break;
                }
                catch (Exception ex)
                {
                    LogIterationFailed(ex);
                    await Task.Delay(_reconnectBackoff.Delay(failures++), _time, stoppingToken).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            _outbox.Committed -= Wake;
        }
    }

    private async Task<bool> TryConnectAsync(CancellationToken ct)
    {
        var will = ProtocolJson.Serialize(new DeviceStatus
        {
            State = DeviceState.Offline,
            AtUtc = _time.GetUtcNow(),
            AgentVersion = AgentVersion.Current,
            ReconnectReason = "connection-lost",
        });
        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer(_mqtt.Host, _mqtt.Port)
            .WithClientId(_agent.TenantId + "." + _agent.DeviceId)
            .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500)
            .WithCleanStart(false)
            .WithSessionExpiryInterval(7 * 24 * 3600)
            .WithKeepAlivePeriod(TimeSpan.FromSeconds(_mqtt.KeepAliveSeconds))
            .WithTimeout(TimeSpan.FromSeconds(10))
            .WithWillTopic(_statusTopic)
            .WithWillPayload(will)
            .WithWillRetain(true)
            .WithWillQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce);
        if (!string.IsNullOrEmpty(_mqtt.Username))
        {
            builder = builder.WithCredentials(_mqtt.Username, _mqtt.Password);
        }

        MqttClientConnectResult result;
        try
        {
            result = await _client.ConnectAsync(builder.Build(), ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is MQTTnet.Exceptions.MqttCommunicationException or TimeoutException or OperationCanceledException && !ct.IsCancellationRequested)
        {
            LogConnectFailed(_mqtt.Host, _mqtt.Port, ex.Message);
            return false;
        }

        // MQTTnet 5 reports a refused CONNECT (bad credentials, not authorised) as a result code, not an exception.
        if (result.ResultCode != MqttClientConnectResultCode.Success)
        {
            LogConnectRefused(_mqtt.Host, _mqtt.Port, result.ResultCode.ToString(), result.ReasonString);
            return false;
        }

        var subscribe = new MqttClientSubscribeOptionsBuilder()
            .WithTopicFilter(_ackTopic, MqttQualityOfServiceLevel.AtLeastOnce)
            .WithTopicFilter(_cmdTopic, MqttQualityOfServiceLevel.AtLeastOnce)
            .Build();
        var subscribed = await _client.SubscribeAsync(subscribe, ct).ConfigureAwait(false);
        foreach (var item in subscribed.Items)
        {
            if (item.ResultCode is not (MqttClientSubscribeResultCode.GrantedQoS1 or MqttClientSubscribeResultCode.GrantedQoS2))
            {
                LogSubscribeRefused(item.TopicFilter.Topic, item.ResultCode.ToString());
                await _client.DisconnectAsync(cancellationToken: ct).ConfigureAwait(false);
                return false;
            }
        }

        if (!result.IsSessionPresent)
        {
            // Acks queued for an old session are gone with it; resend everything that was waiting.
            _inFlight.Clear();
        }

        await PublishStatusAsync(DeviceState.Online, _reconnectReason, ct).ConfigureAwait(false);
        _status.OnConnected();
        LogConnected(_mqtt.Host, _mqtt.Port, result.IsSessionPresent, _reconnectReason);
        return true;
    }

    private async Task PumpAsync(CancellationToken ct)
    {
        var timeoutTicks = _time.GetUtcNow().AddSeconds(-_mqtt.AckTimeoutSeconds).UtcTicks;
        foreach (var (id, sentTicks) in _inFlight)
        {
            if (sentTicks < timeoutTicks && _inFlight.TryRemove(id, out _))
            {
                _status.OnAckTimedOut();
                LogAckTimeout(id);
            }
        }

        var ready = _outbox.PeekReady(_mqtt.MaxInFlight - _inFlight.Count, _inFlight.Keys.ToList());
        foreach (var entry in ready)
        {
            if (!_client.IsConnected)
            {
                return;
            }

            var payload = BuildPayload(entry);
            if (payload is null)
            {
                continue;
            }

            var message = new MqttApplicationMessageBuilder()
                .WithTopic(_chunkTopic)
                .WithPayload(payload)
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                .Build();
            _inFlight[entry.Id] = _time.GetUtcNow().UtcTicks;
            var result = await _client.PublishAsync(message, ct).ConfigureAwait(false);
            if (!result.IsSuccess)
            {
                _inFlight.TryRemove(entry.Id, out _);
                _outbox.Defer(entry.Id, "broker refused publish: " + result.ReasonCode, _retryBackoff.Delay(entry.Attempts));
                LogPublishRefused(entry.Id, result.ReasonCode.ToString(), result.ReasonString);
                continue;
            }

            _status.OnPublished();
        }
    }

    private byte[]? BuildPayload(OutboxEntry entry)
    {
        var metadata = ProtocolJson.TryDeserialize<ChunkMetadata>(System.Text.Encoding.UTF8.GetBytes(entry.MetadataJson), out var error);
        byte[] audio;
        try
        {
            audio = entry.FileName.Length == 0 ? [] : File.ReadAllBytes(_outbox.SealedPath(entry));
        }
        catch (IOException ex)
        {
            _outbox.Quarantine(entry.Id, "spool file unreadable: " + ex.Message);
            return null;
        }

        if (metadata is null)
        {
            _outbox.Quarantine(entry.Id, "outbox metadata unreadable: " + error);
            return null;
        }

        var check = ChunkValidator.Validate(metadata, audio, null);
        if (!check.IsValid)
        {
            // The file changed on disk since sealing (bad SD card?): sending it would only earn a rejection.
            _outbox.Quarantine(entry.Id, "local check failed: " + check.Error);
            return null;
        }

        byte[] payload;
        try
        {
            payload = ChunkEnvelope.Encode(metadata, audio);
        }
        catch (ArgumentException) when (metadata.Transcript is not null)
        {
            // A transcript that does not fit the header limit is dropped rather than holding the audio back.
            payload = ChunkEnvelope.Encode(metadata with { Transcript = null }, audio);
        }
        if (payload.Length > _agent.MaxPayloadBytes)
        {
            _outbox.Quarantine(entry.Id, $"payload {payload.Length} bytes exceeds {AgentOptions.Section}:MaxPayloadBytes {_agent.MaxPayloadBytes}");
            return null;
        }

        return payload;
    }

    private Task OnMessageAsync(MqttApplicationMessageReceivedEventArgs e)
    {
        try
        {
            if (e.ApplicationMessage.Topic == _cmdTopic)
            {
                var command = ProtocolJson.TryDeserialize<DeviceCommand>(e.ApplicationMessage.Payload.ToArray(), out var commandError);
                if (command is null)
                {
                    LogBadCommand(commandError);
                }
                else
                {
                    _commands.Dispatch(command);
                }

                return Task.CompletedTask;
            }

            if (e.ApplicationMessage.Topic != _ackTopic)
            {
                LogUnexpectedTopic(e.ApplicationMessage.Topic);
                return Task.CompletedTask;
            }

            var ack = ProtocolJson.TryDeserialize<ChunkAck>(e.ApplicationMessage.Payload.ToArray(), out var error);
            if (ack is null)
            {
                LogBadAck(error);
                return Task.CompletedTask;
            }

            HandleAck(ack);
        }
        catch (Exception ex)
        {
            LogAckHandlingFailed(ex);
        }

        return Task.CompletedTask;
    }

    private void HandleAck(ChunkAck ack)
    {
        if (ack.ChunkId is not { } id)
        {
            LogRejectedUnidentified(ack.Reason.ToString(), ack.Detail);
            return;
        }

        _inFlight.TryRemove(id, out _);
        switch (ack.Status)
        {
            case AckStatus.Stored or AckStatus.Duplicate:
                if (_outbox.Complete(id))
                {
                    _status.OnAcked(_time.GetUtcNow());
                }

                break;
            case AckStatus.Rejected when ack.Retryable:
                var entry = _outbox.Find(id);
                _outbox.Defer(id, $"{ack.Reason}: {ack.Detail}", _retryBackoff.Delay(entry?.Attempts ?? 0));
                LogRejectedRetry(id, ack.Reason.ToString(), ack.Detail);
                break;
            default:
                _outbox.Quarantine(id, $"cloud rejected: {ack.Reason}: {ack.Detail}");
                break;
        }

        Wake();
    }

    private Task OnDisconnectedAsync(MqttClientDisconnectedEventArgs e)
    {
        if (e.ClientWasConnected)
        {
            _reconnectReason = e.Reason.ToString();
            _status.OnDisconnected();
            LogDisconnected(e.Reason.ToString(), e.Exception?.Message);
        }

        Wake();
        return Task.CompletedTask;
    }

    private async Task PublishStatusAsync(DeviceState state, string reason, CancellationToken ct)
    {
        var status = new DeviceStatus { State = state, AtUtc = _time.GetUtcNow(), AgentVersion = AgentVersion.Current, ReconnectReason = reason };
        var message = new MqttApplicationMessageBuilder()
            .WithTopic(_statusTopic)
            .WithPayload(ProtocolJson.Serialize(status))
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .WithRetainFlag(true)
            .Build();
        await _client.PublishAsync(message, ct).ConfigureAwait(false);
    }

    private void Wake() => _wake.Writer.TryWrite(true);

    private async Task WaitForWorkAsync(CancellationToken ct)
    {
        // Wake on an ack, a new chunk or a disconnect; otherwise re-check ack timeouts and deferrals periodically.
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromMilliseconds(Math.Clamp(_mqtt.AckTimeoutSeconds * 250, 50, 1000)));
        try
        {
            await _wake.Reader.ReadAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Connected to {Host}:{Port} (session present: {SessionPresent}, reason: {Reason})")]
    private partial void LogConnected(string host, int port, bool sessionPresent, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cannot reach broker {Host}:{Port}: {Error}")]
    private partial void LogConnectFailed(string host, int port, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Broker {Host}:{Port} refused the connection: {Code} {ReasonString}")]
    private partial void LogConnectRefused(string host, int port, string code, string? reasonString);

    [LoggerMessage(Level = LogLevel.Error, Message = "Broker refused subscription to {Topic}: {Code}")]
    private partial void LogSubscribeRefused(string topic, string code);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Disconnected from broker: {Reason} {Error}")]
    private partial void LogDisconnected(string reason, string? error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Uplink iteration failed; retrying after backoff")]
    private partial void LogIterationFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "No ack for chunk {ChunkId} within the timeout; it will be resent")]
    private partial void LogAckTimeout(Guid chunkId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Broker refused publish of chunk {ChunkId}: {Code} {ReasonString}")]
    private partial void LogPublishRefused(Guid chunkId, string code, string? reasonString);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Message on unexpected topic {Topic} ignored")]
    private partial void LogUnexpectedTopic(string topic);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Unreadable command ignored: {Error}")]
    private partial void LogBadCommand(string? error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Unreadable ack ignored: {Error}")]
    private partial void LogBadAck(string? error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Handling an ack failed")]
    private partial void LogAckHandlingFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cloud rejected a message it could not identify: {Reason} {Detail}")]
    private partial void LogRejectedUnidentified(string reason, string? detail);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cloud rejected chunk {ChunkId} for now ({Reason}: {Detail}); will retry")]
    private partial void LogRejectedRetry(Guid chunkId, string reason, string? detail);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not announce shutdown")]
    private partial void LogShutdownPublishFailed(Exception exception);
}
