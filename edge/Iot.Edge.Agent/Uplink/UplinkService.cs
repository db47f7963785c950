using System.Buffers;
using System.Collections.Concurrent;
using System.Threading.Channels;
using Iot.Edge.Agent.Commands;
using Iot.Edge.Agent.DesiredConfig;
using Iot.Edge.Agent.Hosting;
using Iot.Edge.Agent.Outbox;
using Iot.Edge.Agent.Provisioning;
using Iot.Mqtt;
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
/// The session follows <see cref="DeviceIdentityStore"/>: no identity (awaiting provisioning) means no session and
/// chunks wait; a new identity ends the old session. Commands and desired config are handled off MQTTnet's receive
/// loop (a QoS 1 publish awaited inside its handler would wait for a PUBACK that loop has to read).
/// </summary>
internal sealed partial class UplinkService : BackgroundService, ICommandSession
{
    private readonly IMqttClient _client;
    private readonly ChunkOutbox _outbox;
    private readonly CommandDispatcher _commands;
    private readonly UplinkStatus _status;
    private readonly DeviceIdentityStore _identity;
    private readonly DesiredConfigApplier _config;
    private readonly HomeAssistant.HomeAssistantDiscovery _homeAssistant;
    private readonly Health.AgentHealthProbe _health;
    private readonly AgentOptions _agent;
    private readonly MqttOptions _mqtt;
    private readonly TimeProvider _time;
    private readonly ILogger<UplinkService> _logger;
    private readonly ChunkUploadTracing _tracing;
    private readonly ExponentialBackoff _reconnectBackoff;
    private readonly ExponentialBackoff _retryBackoff = new(TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(10));
    private readonly BrokerFailover _failover = new();
    private readonly ConcurrentDictionary<Guid, long> _inFlight = new();
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly Channel<MqttApplicationMessage> _inbound = Channel.CreateUnbounded<MqttApplicationMessage>(new UnboundedChannelOptions { SingleReader = true });
    private readonly SemaphoreSlim _sessionGate = new(1, 1);
    private volatile SessionTopics? _topics;
    private AgentIdentity? _session;
    private long _sessionGeneration;
    private string _reconnectReason = "first-connect";

    // The time this session's connection was made: the last will carries it, and so does the online status, so the
    // cloud (newest status wins by atUtc) lets this session's will replace this session's online status on a tie.
    private DateTimeOffset _sessionAtUtc;

    public UplinkService(
        IMqttClient client,
        ChunkOutbox outbox,
        CommandDispatcher commands,
        UplinkStatus status,
        DeviceIdentityStore identity,
        DesiredConfigApplier config,
        HomeAssistant.HomeAssistantDiscovery homeAssistant,
        Health.AgentHealthProbe health,
        IOptions<AgentOptions> agent,
        IOptions<MqttOptions> mqtt,
        TimeProvider time,
        ILogger<UplinkService> logger,
        ChunkUploadTracing tracing)
    {
        _client = client;
        _outbox = outbox;
        _commands = commands;
        _status = status;
        _identity = identity;
        _config = config;
        _homeAssistant = homeAssistant;
        _health = health;
        _agent = agent.Value;
        _mqtt = mqtt.Value;
        _time = time;
        _logger = logger;
        _tracing = tracing;
        _reconnectBackoff = new ExponentialBackoff(TimeSpan.FromMilliseconds(_mqtt.ReconnectMinMilliseconds), TimeSpan.FromMilliseconds(_mqtt.ReconnectMaxMilliseconds));
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        await EndSessionAsync("shutdown", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Says offline (a clean disconnect does not fire the will) and disconnects.</summary>
    private async Task EndSessionAsync(string reason, CancellationToken ct)
    {
        if (_client.IsConnected)
        {
            try
            {
                await PublishStatusAsync(DeviceState.Offline, reason, ct).ConfigureAwait(false);
                await _client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().WithReason(MqttClientDisconnectOptionsReason.NormalDisconnection).Build(), ct).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is MQTTnet.Exceptions.MqttCommunicationException or OperationCanceledException)
            {
                LogShutdownPublishFailed(ex);
            }
        }

        _session = null;
    }

    private const int RotationAttempts = 6;

    private async Task PublishAcceptedAsync(Guid commandId, CancellationToken ct)
    {
        if (_topics is not { } topics || !_client.IsConnected)
        {
            return;
        }

        var accepted = new CommandResult { CommandId = commandId, Status = CommandStatus.Accepted, Detail = "switching to the new credentials", AtUtc = _time.GetUtcNow() };
        await _client.PublishAsync(
            new MqttApplicationMessageBuilder()
                .WithTopic(topics.CmdResult)
                .WithPayload(ProtocolJson.Serialize(accepted))
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                .Build(),
            ct).ConfigureAwait(false);
    }

    public async Task<string?> RotateCredentialsAsync(Guid commandId, string password, CancellationToken ct)
    {
        var rotated = _identity.WithPassword(password);
        if (rotated is null)
        {
            return "this device's credentials come from configuration, not from provisioning; nothing to rotate";
        }

        await _sessionGate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var old = _session ?? _identity.Current;
            var candidate = _identity.Preview(rotated);

            // The new password is tried where the session was: a refusal must mean "wrong password", not "other broker".
            var broker = _failover.Next(candidate.Brokers);
            await PublishAcceptedAsync(commandId, ct).ConfigureAwait(false);
            await EndSessionAsync("rotate-credentials", ct).ConfigureAwait(false);
            _reconnectReason = "rotate-credentials";
            for (var attempt = 0; attempt < RotationAttempts; attempt++)
            {
                if (attempt > 0)
                {
                    // The cloud may still be handing the new secret to the broker (Mosquitto dynsec).
                    await Task.Delay(TimeSpan.FromMilliseconds(250 << Math.Min(attempt, 4)), _time, ct).ConfigureAwait(false);
                }

                if (await TryConnectAsync(candidate, broker, ct).ConfigureAwait(false))
                {
                    _identity.Save(rotated);
                    _sessionGeneration = _identity.Snapshot().Generation;
                    LogRotated(candidate.ClientId);
                    return null;
                }
            }

            // The new password is not good: the stored credentials stay, and the session comes back with them.
            LogRotationRefused(candidate.ClientId);
            if (old is not null)
            {
                await TryConnectAsync(old, _failover.Next(old.Brokers), ct).ConfigureAwait(false);
            }

            return "the broker refused the new credentials; the old ones are kept";
        }
        finally
        {
            _sessionGate.Release();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _client.ApplicationMessageReceivedAsync += OnMessageAsync;
        _client.DisconnectedAsync += OnDisconnectedAsync;
        _outbox.Committed += Wake;
        var failures = 0;
        var inbound = ProcessInboundAsync(stoppingToken);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                _status.Beat(_time.GetTimestamp());
                try
                {
                    var (identity, generation) = _identity.Snapshot();
                    if (identity is null || (_session is not null && _sessionGeneration != generation))
                    {
                        await LeaveSessionAsync(identity, generation, stoppingToken).ConfigureAwait(false);
                        if (identity is null)
                        {
                            // Awaiting provisioning: chunks pile up in the outbox until an identity exists.
                            await WaitForWorkAsync(stoppingToken).ConfigureAwait(false);
                            continue;
                        }
                    }

                    if (!_client.IsConnected && await ConnectUnderGateAsync(identity, generation, stoppingToken).ConfigureAwait(false) is { } step)
                    {
                        await Task.Delay(_reconnectBackoff.Delay(step), _time, stoppingToken).ConfigureAwait(false);
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
            _inbound.Writer.TryComplete();
            await inbound.ConfigureAwait(false);
        }
    }

    /// <summary>Null when connected; otherwise the backoff step to wait before the next broker is tried.</summary>
    private async Task<int?> ConnectUnderGateAsync(AgentIdentity identity, long generation, CancellationToken ct)
    {
        await _sessionGate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (_client.IsConnected)
            {
                return null;
            }

            _sessionGeneration = generation;
            var broker = _failover.Next(identity.Brokers);
            try
            {
                if (await TryConnectAsync(identity, broker, ct).ConfigureAwait(false))
                {
                    return null;
                }
            }
            catch (Exception ex) when ((ex is not OperationCanceledException || !ct.IsCancellationRequested) && !_client.IsConnected)
            {
                // A connect that failed in a way MQTTnet does not wrap (TLS, name resolution) still counts against this
                // broker: the list must move on rather than retry the same broken entry forever. Errors after the
                // connection is up go to the loop's handler as they always did.
                LogConnectError(ex, broker.ToString());
            }

            var step = _failover.Failed();
            if (identity.Brokers.Count > 1)
            {
                LogMovingOn(broker.ToString(), _failover.Next(identity.Brokers).ToString());
            }

            return step;
        }
        finally
        {
            _sessionGate.Release();
        }
    }

    /// <summary>The identity changed (re-provision, or approval under a new name): close the old session first.</summary>
    private async Task LeaveSessionAsync(AgentIdentity? next, long generation, CancellationToken ct)
    {
        await _sessionGate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (_session is { } old && (next is null || _sessionGeneration != generation) && _topics is { } topics)
            {
                if (next is null || next.ClientId != old.ClientId)
                {
                    await _homeAssistant.RemoveAsync(_client, topics, ct).ConfigureAwait(false);
                }

                await EndSessionAsync(next is null ? "reprovision" : "identity-changed", ct).ConfigureAwait(false);
                _inFlight.Clear();
                _tracing.OnSessionLost();
                LogSessionLeft(old.ClientId, next?.ClientId ?? "(none)");
            }
        }
        finally
        {
            _sessionGate.Release();
        }
    }

    private async Task<bool> TryConnectAsync(AgentIdentity identity, BrokerEndpoint broker, CancellationToken ct)
    {
        if (MqttTls.PlaintextRefusal(_mqtt, broker.Host, identity.CaCertificate) is { } refusal)
        {
            LogPlaintextRefused(refusal);
            return false;
        }

        var topics = new SessionTopics(identity.TenantId, identity.DeviceId);
        _sessionAtUtc = _time.GetUtcNow();
        var will = ProtocolJson.Serialize(new DeviceStatus
        {
            State = DeviceState.Offline,
            AtUtc = _sessionAtUtc,
            AgentVersion = AgentVersion.Current,
            ReconnectReason = "connection-lost",
            StartedAtUtc = _health.StartedAtUtc,
        });
        var options = MqttClientOptionsFactory.Create(new MqttConnectSettings
        {
            Host = broker.Host,
            Port = broker.Port,
            ClientId = identity.ClientId,
            Username = identity.Username,
            Password = identity.Password,
            CleanStart = false,
            SessionExpirySeconds = 7 * 24 * 3600,
            KeepAlive = TimeSpan.FromSeconds(_mqtt.KeepAliveSeconds),
            LastWill = new MqttLastWill(topics.Status, will, Retain: true),
            Tls = MqttTls.Settings(_mqtt, broker.Host, identity.CaCertificate),
        });
        MqttClientConnectResult result;
        try
        {
            result = await _client.ConnectAsync(options, ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is MQTTnet.Exceptions.MqttCommunicationException or TimeoutException or OperationCanceledException && !ct.IsCancellationRequested)
        {
            LogConnectFailed(broker.Host, broker.Port, ex.Message);
            return false;
        }

        // MQTTnet 5 reports a refused CONNECT (bad credentials, not authorised) as a result code, not an exception.
        if (result.ResultCode != MqttClientConnectResultCode.Success)
        {
            LogConnectRefused(broker.Host, broker.Port, result.ResultCode.ToString(), result.ReasonString);
            return false;
        }

        _topics = topics;
        var subscribeBuilder = new MqttClientSubscribeOptionsBuilder()
            .WithTopicFilter(topics.Ack, MqttQualityOfServiceLevel.AtLeastOnce)
            .WithTopicFilter(topics.Cmd, MqttQualityOfServiceLevel.AtLeastOnce)
            .WithTopicFilter(topics.Config, MqttQualityOfServiceLevel.AtLeastOnce);
        if (_homeAssistant.Enabled)
        {
            subscribeBuilder = subscribeBuilder.WithTopicFilter(_homeAssistant.StatusTopic, MqttQualityOfServiceLevel.AtLeastOnce);
        }

        var subscribe = subscribeBuilder.Build();
        var subscribed = await _client.SubscribeAsync(subscribe, ct).ConfigureAwait(false);
        foreach (var item in subscribed.Items)
        {
            if (item.ResultCode is not (MqttClientSubscribeResultCode.GrantedQoS1 or MqttClientSubscribeResultCode.GrantedQoS2)
                && item.TopicFilter.Topic == _homeAssistant.StatusTopic)
            {
                // Home Assistant is an extra: a broker whose ACL has no room for it must not cost the upload.
                LogHomeAssistantRefused(item.TopicFilter.Topic, item.ResultCode.ToString());
            }
            else if (item.ResultCode is not (MqttClientSubscribeResultCode.GrantedQoS1 or MqttClientSubscribeResultCode.GrantedQoS2))
            {
                LogSubscribeRefused(item.TopicFilter.Topic, item.ResultCode.ToString());
                await _client.DisconnectAsync(cancellationToken: ct).ConfigureAwait(false);
                return false;
            }
        }

        var movedFrom = _failover.Succeeded(broker);
        if (movedFrom is { } from)
        {
            _reconnectReason = $"failover from {from} ({_reconnectReason})";
            LogFailover(from.ToString(), broker.ToString(), _reconnectReason);
        }

        if (!result.IsSessionPresent || _session != identity || movedFrom is not null)
        {
            // Acks queued for an old session (or on the broker left behind) are gone with it; resend everything that
            // was waiting. The bridge dedupes by chunk id, so a chunk stored before the failover is acked Duplicate.
            _inFlight.Clear();
            _tracing.OnSessionLost();
        }

        _session = identity;
        await PublishStatusAsync(DeviceState.Online, _reconnectReason, ct).ConfigureAwait(false);
        await PublishReportedAsync(_config.Report(), ct).ConfigureAwait(false);
        await _homeAssistant.AnnounceAsync(_client, topics, ct).ConfigureAwait(false);
        _status.OnBroker(broker.ToString(), failover: movedFrom is not null, tls: MqttTls.UsesTls(_mqtt, identity.CaCertificate));
        _status.OnConnected();
        LogConnected(identity.ClientId, broker.Host, broker.Port, result.IsSessionPresent, _reconnectReason);
        return true;
    }

    private async Task PumpAsync(CancellationToken ct)
    {
        if (_topics is not { } topics)
        {
            return;
        }

        var timeoutTicks = _time.GetUtcNow().AddSeconds(-_mqtt.AckTimeoutSeconds).UtcTicks;
        foreach (var (id, sentTicks) in _inFlight)
        {
            if (sentTicks < timeoutTicks && _inFlight.TryRemove(id, out _))
            {
                _status.OnAckTimedOut();
                _tracing.OnFinished(id, "timeout", error: true, () => LogAckTimeout(id));
            }
        }

        var ready = _outbox.PeekReady(_mqtt.MaxInFlight - _inFlight.Count, _inFlight.Keys.ToList());
        foreach (var entry in ready)
        {
            if (!_client.IsConnected)
            {
                return;
            }

            var payload = BuildPayload(entry, topics);
            if (payload is null)
            {
                continue;
            }

            var builder = new MqttApplicationMessageBuilder()
                .WithTopic(topics.Chunk)
                .WithPayload(payload)
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce);

            // Before the PUBLISH: the bridge PUBACKs only once the chunk is settled, so its ack can arrive first.
            _tracing.OnPublishing(builder, entry.Id, topics.TenantId, topics.DeviceId, entry.Sequence, entry.Attempts + 1);
            _inFlight[entry.Id] = _time.GetUtcNow().UtcTicks;
            var result = await _client.PublishAsync(builder.Build(), ct).ConfigureAwait(false);
            if (!result.IsSuccess)
            {
                _inFlight.TryRemove(entry.Id, out _);
                _outbox.Defer(entry.Id, "broker refused publish: " + result.ReasonCode, _retryBackoff.Delay(entry.Attempts));
                _tracing.OnFinished(entry.Id, "refused", error: true, () => LogPublishRefused(entry.Id, result.ReasonCode.ToString(), result.ReasonString));
                continue;
            }

            _tracing.OnPublished(entry.Id);
            _status.OnPublished();
        }
    }

    private byte[]? BuildPayload(OutboxEntry entry, SessionTopics topics)
    {
        var metadata = ProtocolJson.TryDeserialize<ChunkMetadata>(System.Text.Encoding.UTF8.GetBytes(entry.MetadataJson), out var error);

        // Stamped at send time: a chunk recorded while awaiting provisioning (or before a re-provision) belongs to the
        // identity that uploads it.
        metadata = metadata is null ? null : metadata with { TenantId = topics.TenantId, DeviceId = topics.DeviceId };
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
            var topic = e.ApplicationMessage.Topic;
            var topics = _topics;
            if (topics is not null && (topic == topics.Cmd || topic == topics.Config || (_homeAssistant.Enabled && topic == _homeAssistant.StatusTopic)))
            {
                _inbound.Writer.TryWrite(e.ApplicationMessage);
                return Task.CompletedTask;
            }

            if (topics is null || topic != topics.Ack)
            {
                LogUnexpectedTopic(topic);
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

    private async Task ProcessInboundAsync(CancellationToken ct)
    {
        try
        {
            await foreach (var message in _inbound.Reader.ReadAllAsync(ct).ConfigureAwait(false))
            {
                try
                {
                    await HandleInboundAsync(message, ct).ConfigureAwait(false);
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

    private async Task HandleInboundAsync(MqttApplicationMessage message, CancellationToken ct)
    {
        if (_topics is not { } topics)
        {
            return;
        }

        var payload = message.Payload.ToArray();
        if (_homeAssistant.Enabled && message.Topic == _homeAssistant.StatusTopic)
        {
            if (System.Text.Encoding.UTF8.GetString(payload) == "online")
            {
                await _homeAssistant.AnnounceAsync(_client, topics, ct).ConfigureAwait(false);
            }
        }
        else if (message.Topic == topics.Config)
        {
            if (payload.Length == 0)
            {
                return;
            }

            var desired = ProtocolJson.TryDeserialize<DeviceConfigDocument>(payload, out var configError);
            var report = desired is null ? null : _config.Apply(desired);
            if (desired is null)
            {
                LogBadConfig(configError);
            }
            else if (report is not null)
            {
                await PublishReportedAsync(report, ct).ConfigureAwait(false);
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

            var outcome = await _commands.HandleAsync(command, this, ct).ConfigureAwait(false);
            var answerTopics = _topics ?? topics;
            await _client.PublishAsync(
                new MqttApplicationMessageBuilder()
                    .WithTopic(answerTopics.CmdResult)
                    .WithPayload(ProtocolJson.Serialize(outcome.Result))
                    .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                    .Build(),
                ct).ConfigureAwait(false);
            outcome.AfterAnswer?.Invoke();
        }
    }

    private async Task PublishReportedAsync(ReportedConfig report, CancellationToken ct)
    {
        if (_topics is not { } topics)
        {
            return;
        }

        await _client.PublishAsync(
            new MqttApplicationMessageBuilder()
                .WithTopic(topics.Reported)
                .WithPayload(ProtocolJson.Serialize(report))
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                .WithRetainFlag(true)
                .Build(),
            ct).ConfigureAwait(false);
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

                _tracing.OnFinished(id, ack.Status == AckStatus.Stored ? "stored" : "duplicate", log: () => LogAcked(id, ack.Status.ToString()));

                break;
            case AckStatus.Rejected when ack.Retryable:
                var entry = _outbox.Find(id);
                _outbox.Defer(id, $"{ack.Reason}: {ack.Detail}", _retryBackoff.Delay(entry?.Attempts ?? 0));
                _tracing.OnFinished(id, "rejected-retryable", error: true, () => LogRejectedRetry(id, ack.Reason.ToString(), ack.Detail));
                break;
            default:
                _outbox.Quarantine(id, $"cloud rejected: {ack.Reason}: {ack.Detail}");
                _tracing.OnFinished(id, "rejected", error: true);
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
        if (_topics is not { } topics)
        {
            return;
        }

        var status = new DeviceStatus { State = state, AtUtc = state == DeviceState.Online ? _sessionAtUtc : _time.GetUtcNow(), AgentVersion = AgentVersion.Current, ReconnectReason = reason, StartedAtUtc = _health.StartedAtUtc };
        var message = new MqttApplicationMessageBuilder()
            .WithTopic(topics.Status)
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Connected as {ClientId} to {Host}:{Port} (session present: {SessionPresent}, reason: {Reason})")]
    private partial void LogConnected(string clientId, string host, int port, bool sessionPresent, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Broker {Broker} failed; the next attempt goes to {Next}")]
    private partial void LogMovingOn(string broker, string next);

    [LoggerMessage(Level = LogLevel.Error, Message = "Connecting to broker {Broker} failed")]
    private partial void LogConnectError(Exception exception, string broker);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Failed over from broker {From} to {To} ({Reason})")]
    private partial void LogFailover(string from, string to, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Session as {Old} ended; next identity: {Next}")]
    private partial void LogSessionLeft(string old, string next);

    [LoggerMessage(Level = LogLevel.Information, Message = "Credentials of {ClientId} rotated; reconnected with the new password")]
    private partial void LogRotated(string clientId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Broker refused the rotated credentials of {ClientId}; keeping the old ones")]
    private partial void LogRotationRefused(string clientId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Handling a message on {Topic} failed")]
    private partial void LogInboundFailed(Exception exception, string topic);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Unreadable desired config ignored: {Error}")]
    private partial void LogBadConfig(string? error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cannot reach broker {Host}:{Port}: {Error}")]
    private partial void LogConnectFailed(string host, int port, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Broker {Host}:{Port} refused the connection: {Code} {ReasonString}")]
    private partial void LogConnectRefused(string host, int port, string code, string? reasonString);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Broker refused Home Assistant's {Topic} ({Code}); discovery is published at connect only")]
    private partial void LogHomeAssistantRefused(string topic, string code);

    [LoggerMessage(Level = LogLevel.Error, Message = "Broker refused subscription to {Topic}: {Code}")]
    private partial void LogSubscribeRefused(string topic, string code);

    [LoggerMessage(Level = LogLevel.Error, Message = "Not connecting: {Reason}")]
    private partial void LogPlaintextRefused(string reason);

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

    [LoggerMessage(Level = LogLevel.Debug, Message = "Chunk {ChunkId} acked: {AckStatus}")]
    private partial void LogAcked(Guid chunkId, string ackStatus);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cloud rejected chunk {ChunkId} for now ({Reason}: {Detail}); will retry")]
    private partial void LogRejectedRetry(Guid chunkId, string reason, string? detail);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not announce shutdown")]
    private partial void LogShutdownPublishFailed(Exception exception);
}
