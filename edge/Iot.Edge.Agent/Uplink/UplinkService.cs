using Iot.Edge.Agent.Commands;
using Iot.Edge.Agent.DesiredConfig;
using Iot.Edge.Agent.Hosting;
using Iot.Edge.Agent.Outbox;
using Iot.Edge.Agent.Provisioning;
using Iot.Mqtt;
using Iot.Protocol.Messages;
using Iot.Protocol.Serialization;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MQTTnet;
using MQTTnet.Protocol;

namespace Iot.Edge.Agent.Uplink;

/// <summary>
/// The device's broker session. It follows <see cref="DeviceIdentityStore"/>: no identity (awaiting provisioning) means
/// no session and chunks wait; a new identity ends the old session; a rotated password is tried before it is kept.
/// It walks the <c>Mqtt:Hosts</c> list (<see cref="BrokerFailover"/>), says online/offline on the retained status topic
/// (the last will covers a lost connection), and hands the connected client to the <see cref="ChunkUploader"/> (chunks
/// out, acks in) and the <see cref="InboundRouter"/> (commands, config, Home Assistant). Connect options, subscribing
/// and connection events come from the shared <see cref="MqttSession"/>.
/// </summary>
internal sealed partial class UplinkService : BackgroundService, ICommandSession
{
    private readonly IMqttClient _client;
    private readonly MqttSession _connection;
    private readonly ChunkOutbox _outbox;
    private readonly ChunkUploader _uploader;
    private readonly InboundRouter _inbound;
    private readonly UplinkStatus _status;
    private readonly DeviceIdentityStore _identity;
    private readonly DesiredConfigApplier _config;
    private readonly HomeAssistant.HomeAssistantDiscovery _homeAssistant;
    private readonly Health.AgentHealthProbe _health;
    private readonly MqttOptions _mqtt;
    private readonly TimeProvider _time;
    private readonly ILogger<UplinkService> _logger;
    private readonly ExponentialBackoff _reconnectBackoff;
    private readonly BrokerFailover _failover = new();
    private readonly System.Threading.Channels.Channel<bool> _wake = System.Threading.Channels.Channel.CreateBounded<bool>(new System.Threading.Channels.BoundedChannelOptions(1) { FullMode = System.Threading.Channels.BoundedChannelFullMode.DropWrite });
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
        ChunkUploader uploader,
        InboundRouter inbound,
        UplinkStatus status,
        DeviceIdentityStore identity,
        DesiredConfigApplier config,
        HomeAssistant.HomeAssistantDiscovery homeAssistant,
        Health.AgentHealthProbe health,
        IOptions<MqttOptions> mqtt,
        TimeProvider time,
        ILogger<UplinkService> logger)
    {
        _client = client;
        _connection = new MqttSession("uplink", time, client);
        _outbox = outbox;
        _uploader = uploader;
        _inbound = inbound;
        _status = status;
        _identity = identity;
        _config = config;
        _homeAssistant = homeAssistant;
        _health = health;
        _mqtt = mqtt.Value;
        _time = time;
        _logger = logger;
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
        _uploader.Progress += Wake;
        var failures = 0;
        var inbound = _inbound.RunAsync(_client, () => _topics, this, stoppingToken);
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
                    if (_topics is { } current)
                    {
                        await _uploader.PumpAsync(_client, current, stoppingToken).ConfigureAwait(false);
                    }

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
            _uploader.Progress -= Wake;
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
                _uploader.OnSessionLost();
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
        var settings = new MqttConnectSettings
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
        };
        List<MqttSubscription> subscriptions = [new(topics.Ack), new(topics.Cmd), new(topics.Config)];
        if (_homeAssistant.Enabled)
        {
            // Home Assistant is an extra: a broker whose ACL has no room for it must not cost the upload.
            subscriptions.Add(new MqttSubscription(_homeAssistant.StatusTopic) { Optional = true });
        }

        // Set before subscribing: retained config arrives right after the SUBACK and is routed by these topics.
        var previous = _topics;
        _topics = topics;
        MqttConnectOutcome result;
        try
        {
            result = await _connection.ConnectAsync(settings, subscriptions, ct).ConfigureAwait(false);
        }
        catch
        {
            _topics = previous;
            throw;
        }

        if (!result.IsConnected)
        {
            _topics = previous;
            switch (result.Status)
            {
                case MqttConnectStatus.Refused:
                    LogConnectRefused(broker.Host, broker.Port, result.Reason, null);
                    break;
                case MqttConnectStatus.SubscribeRefused:
                    foreach (var (filter, code) in result.RequiredRefused)
                    {
                        LogSubscribeRefused(filter, code);
                    }

                    break;
                default:
                    LogConnectFailed(broker.Host, broker.Port, result.Reason);
                    break;
            }

            return false;
        }

        foreach (var (filter, code) in result.OptionalRefused)
        {
            LogHomeAssistantRefused(filter, code);
        }

        var movedFrom = _failover.Succeeded(broker);
        if (movedFrom is { } from)
        {
            _reconnectReason = $"failover from {from} ({_reconnectReason})";
            LogFailover(from.ToString(), broker.ToString(), _reconnectReason);
        }

        if (!result.SessionPresent || _session != identity || movedFrom is not null)
        {
            // Acks queued for an old session (or on the broker left behind) are gone with it; resend everything that
            // was waiting. The bridge dedupes by chunk id, so a chunk stored before the failover is acked Duplicate.
            _uploader.OnSessionLost();
        }

        _session = identity;
        await PublishStatusAsync(DeviceState.Online, _reconnectReason, ct).ConfigureAwait(false);
        await _inbound.PublishReportedAsync(_client, topics, _config.Report(), ct).ConfigureAwait(false);
        await _homeAssistant.AnnounceAsync(_client, topics, ct).ConfigureAwait(false);
        _status.OnBroker(broker.ToString(), failover: movedFrom is not null, tls: MqttTls.UsesTls(_mqtt, identity.CaCertificate));
        _status.OnConnected();
        LogConnected(identity.ClientId, broker.Host, broker.Port, result.SessionPresent, _reconnectReason);
        return true;
    }

    /// <summary>MQTTnet's receive loop: acks go straight to the uploader (it never waits), the rest to the router's worker.</summary>
    private Task OnMessageAsync(MqttApplicationMessageReceivedEventArgs e)
    {
        var topic = e.ApplicationMessage.Topic;
        var topics = _topics;
        if (topics is not null && _inbound.Handles(topic, topics))
        {
            _inbound.Enqueue(e.ApplicationMessage);
        }
        else if (topics is not null && topic == topics.Ack)
        {
            _uploader.OnAck(e.ApplicationMessage.Payload);
        }
        else
        {
            LogUnexpectedTopic(topic);
        }

        return Task.CompletedTask;
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



    [LoggerMessage(Level = LogLevel.Warning, Message = "Message on unexpected topic {Topic} ignored")]
    private partial void LogUnexpectedTopic(string topic);







    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not announce shutdown")]
    private partial void LogShutdownPublishFailed(Exception exception);
}
