using Iot.Edge.Agent.Hosting;
using Iot.Edge.Agent.Provisioning;
using Iot.Mqtt;
using Iot.Protocol.Messages;
using Iot.Protocol.Serialization;
using Microsoft.Extensions.Logging;
using MQTTnet;
using MQTTnet.Protocol;

namespace Iot.Edge.Agent.Uplink;

/// <summary>
/// The device's connection to one broker as one identity: the connect settings (last will, TLS, persistent session,
/// the device's subscriptions), the walk along the <c>Mqtt:Hosts</c> list (<see cref="BrokerFailover"/>), and the
/// online/offline word on the retained status topic. What runs over the connection (chunks, commands, config) and
/// when to connect or leave belong to <see cref="UplinkService"/>; this class is only "which broker, as whom, and
/// what the cloud is told about it". Not thread-safe: the uplink calls it under its session gate.
/// </summary>
internal sealed partial class BrokerSession
{
    // A persistent session outlives a week-long outage: acks and commands queued by the broker are not lost to a
    // long weekend with the shop's router switched off.
    private const uint SessionExpirySeconds = 7 * 24 * 3600;

    private readonly IMqttClient _client;
    private readonly MqttSession _connection;
    private readonly UplinkStatus _status;
    private readonly DateTimeOffset _agentStartedAtUtc;
    private readonly string? _homeAssistantStatusTopic;
    private readonly MqttOptions _mqtt;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly BrokerFailover _failover = new();
    private volatile SessionTopics? _topics;

    // The time this session's connection was made: the last will carries it, and so does the online status, so the
    // cloud (newest status wins by atUtc) lets this session's will replace this session's online status on a tie.
    private DateTimeOffset _sessionAtUtc;

    public BrokerSession(
        IMqttClient client,
        UplinkStatus status,
        DateTimeOffset agentStartedAtUtc,
        string? homeAssistantStatusTopic,
        MqttOptions mqtt,
        TimeProvider time,
        ILogger logger)
    {
        _client = client;
        _connection = new MqttSession("uplink", time, client);
        _status = status;
        _agentStartedAtUtc = agentStartedAtUtc;
        _homeAssistantStatusTopic = homeAssistantStatusTopic;
        _mqtt = mqtt;
        _time = time;
        _logger = logger;
    }

    public IMqttClient Client => _client;

    public bool IsConnected => _client.IsConnected;

    /// <summary>The topics of the identity last connected (or being connected); read from MQTTnet's receive loop.</summary>
    public SessionTopics? Topics => _topics;

    /// <summary>The identity of the session that is up, or was up until it was lost; null after a clean end.</summary>
    public AgentIdentity? Identity { get; private set; }

    /// <summary>Why the next online status says the device (re)connected.</summary>
    public string ReconnectReason { get; set; } = "first-connect";

    /// <summary>The broker to try next for <paramref name="identity"/>.</summary>
    public BrokerEndpoint NextBroker(AgentIdentity identity) => _failover.Next(identity.Brokers);

    /// <summary>A connect to <paramref name="broker"/> failed: the backoff step, and the list moves on.</summary>
    public int Failed(AgentIdentity identity, BrokerEndpoint broker)
    {
        var step = _failover.Failed();
        if (identity.Brokers.Count > 1)
        {
            LogMovingOn(broker.ToString(), _failover.Next(identity.Brokers).ToString());
        }

        return step;
    }

    /// <summary>
    /// Connects and subscribes as <paramref name="identity"/>. Null when the broker could not be reached, refused the
    /// connection or a required subscription; otherwise whether the chunks in flight must all be sent again.
    /// </summary>
    public async Task<SessionStart?> ConnectAsync(AgentIdentity identity, BrokerEndpoint broker, CancellationToken ct)
    {
        if (MqttTls.PlaintextRefusal(_mqtt, broker.Host, identity.CaCertificate) is { } refusal)
        {
            LogPlaintextRefused(refusal);
            return null;
        }

        var topics = new SessionTopics(identity.TenantId, identity.DeviceId);
        _sessionAtUtc = _time.GetUtcNow();
        var settings = new MqttConnectSettings
        {
            Host = broker.Host,
            Port = broker.Port,
            ClientId = identity.ClientId,
            Username = identity.Username,
            Password = identity.Password,
            CleanStart = false,
            SessionExpirySeconds = SessionExpirySeconds,
            KeepAlive = TimeSpan.FromSeconds(_mqtt.KeepAliveSeconds),
            LastWill = new MqttLastWill(topics.Status, ProtocolJson.Serialize(Status(DeviceState.Offline, _sessionAtUtc, "connection-lost")), Retain: true),
            Tls = MqttTls.Settings(_mqtt, broker.Host, identity.CaCertificate),
        };
        List<MqttSubscription> subscriptions = [new(topics.Ack), new(topics.Cmd), new(topics.Config)];
        if (_homeAssistantStatusTopic is { } homeAssistant)
        {
            // Home Assistant is an extra: a broker whose ACL has no room for it must not cost the upload.
            subscriptions.Add(new MqttSubscription(homeAssistant) { Optional = true });
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
            LogRefusal(broker, result);
            return null;
        }

        foreach (var (filter, code) in result.OptionalRefused)
        {
            LogHomeAssistantRefused(filter, code);
        }

        var movedFrom = _failover.Succeeded(broker);
        if (movedFrom is { } from)
        {
            ReconnectReason = $"failover from {from} ({ReconnectReason})";
            LogFailover(from.ToString(), broker.ToString(), ReconnectReason);
        }

        // Acks queued for an old session (or on the broker left behind) are gone with it; everything that was waiting
        // is resent. The bridge dedupes by chunk id, so a chunk stored before the failover is acked Duplicate.
        var resendAll = !result.SessionPresent || Identity != identity || movedFrom is not null;
        Identity = identity;
        return new SessionStart(topics, broker, resendAll, result.SessionPresent, FailedOver: movedFrom is not null);
    }

    /// <summary>Says online on the retained status topic, with the time of this connection (see the will).</summary>
    public Task AnnounceOnlineAsync(CancellationToken ct) => PublishStatusAsync(DeviceState.Online, ReconnectReason, ct);

    /// <summary>
    /// The session exists: which broker and whether it is TLS are known from here on. Called before anything is
    /// published on it, because telemetry goes out whenever the client is connected and must not name no broker.
    /// </summary>
    public void ReportSession(AgentIdentity identity, SessionStart start) =>
        _status.OnBroker(start.Broker.ToString(), failover: start.FailedOver, tls: MqttTls.UsesTls(_mqtt, identity.CaCertificate));

    /// <summary>The session is up and announced: the health snapshot and the log say so.</summary>
    public void ReportConnected(AgentIdentity identity, SessionStart start)
    {
        _status.OnConnected();
        LogConnected(identity.ClientId, start.Broker.Host, start.Broker.Port, start.SessionPresent, ReconnectReason);
    }

    /// <summary>Says offline (a clean disconnect does not fire the will) and disconnects.</summary>
    public async Task EndAsync(string reason, CancellationToken ct)
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

        Identity = null;
    }

    /// <summary>The broker dropped the connection: the next online status says why.</summary>
    public void OnDisconnected(MqttClientDisconnectedEventArgs e)
    {
        if (e.ClientWasConnected)
        {
            ReconnectReason = e.Reason.ToString();
            _status.OnDisconnected();
            LogDisconnected(e.Reason.ToString(), e.Exception?.Message);
        }
    }

    private async Task PublishStatusAsync(DeviceState state, string reason, CancellationToken ct)
    {
        if (_topics is not { } topics)
        {
            return;
        }

        var status = Status(state, state == DeviceState.Online ? _sessionAtUtc : _time.GetUtcNow(), reason);
        var message = new MqttApplicationMessageBuilder()
            .WithTopic(topics.Status)
            .WithPayload(ProtocolJson.Serialize(status))
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .WithRetainFlag(true)
            .Build();
        await _client.PublishAsync(message, ct).ConfigureAwait(false);
    }

    private DeviceStatus Status(DeviceState state, DateTimeOffset atUtc, string reason) => new()
    {
        State = state,
        AtUtc = atUtc,
        AgentVersion = AgentVersion.Current,
        ReconnectReason = reason,
        StartedAtUtc = _agentStartedAtUtc,
    };

    private void LogRefusal(BrokerEndpoint broker, MqttConnectOutcome result)
    {
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
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Connected as {ClientId} to {Host}:{Port} (session present: {SessionPresent}, reason: {Reason})")]
    private partial void LogConnected(string clientId, string host, int port, bool sessionPresent, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Broker {Broker} failed; the next attempt goes to {Next}")]
    private partial void LogMovingOn(string broker, string next);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Failed over from broker {From} to {To} ({Reason})")]
    private partial void LogFailover(string from, string to, string reason);

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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not announce shutdown")]
    private partial void LogShutdownPublishFailed(Exception exception);
}

/// <summary>A session that is up: its topics, its broker, and whether the chunks in flight must all be sent again.</summary>
internal sealed record SessionStart(SessionTopics Topics, BrokerEndpoint Broker, bool ResendAll, bool SessionPresent, bool FailedOver);
