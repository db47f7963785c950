using Iot.Edge.Agent.Commands;
using Iot.Edge.Agent.DesiredConfig;
using Iot.Edge.Agent.Hosting;
using Iot.Edge.Agent.Outbox;
using Iot.Edge.Agent.Provisioning;
using Iot.Mqtt;
using Iot.Protocol.Messages;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MQTTnet;

namespace Iot.Edge.Agent.Uplink;

/// <summary>
/// When the device is connected, and as whom. It follows <see cref="DeviceIdentityStore"/>: no identity (awaiting
/// provisioning) means no session and chunks wait; a new identity ends the old session; a rotated password is tried
/// before it is kept. The connection itself (broker list, will, status, subscriptions) is the <see cref="BrokerSession"/>;
/// the connected client is handed to the <see cref="ChunkUploader"/> (chunks out, acks in) and the
/// <see cref="InboundRouter"/> (commands, config, Home Assistant). Commands reach the rotation through
/// <see cref="ICommandSession"/>, an interface the commands own, so they never depend on this class.
/// </summary>
internal sealed partial class UplinkService : BackgroundService, ICommandSession
{
    private const int RotationAttempts = 6;

    private readonly BrokerSession _broker;
    private readonly ChunkOutbox _outbox;
    private readonly ChunkUploader _uploader;
    private readonly InboundRouter _inbound;
    private readonly UplinkStatus _status;
    private readonly DeviceIdentityStore _identity;
    private readonly DesiredConfigApplier _config;
    private readonly HomeAssistant.HomeAssistantDiscovery _homeAssistant;
    private readonly MqttOptions _mqtt;
    private readonly TimeProvider _time;
    private readonly ILogger<UplinkService> _logger;
    private readonly ExponentialBackoff _reconnectBackoff;
    private readonly System.Threading.Channels.Channel<bool> _wake = System.Threading.Channels.Channel.CreateBounded<bool>(new System.Threading.Channels.BoundedChannelOptions(1) { FullMode = System.Threading.Channels.BoundedChannelFullMode.DropWrite });
    private readonly SemaphoreSlim _sessionGate = new(1, 1);
    private long _sessionGeneration;

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
        _broker = new BrokerSession(client, status, health.StartedAtUtc, homeAssistant.Enabled ? homeAssistant.StatusTopic : null, mqtt.Value, time, logger);
        _outbox = outbox;
        _uploader = uploader;
        _inbound = inbound;
        _status = status;
        _identity = identity;
        _config = config;
        _homeAssistant = homeAssistant;
        _mqtt = mqtt.Value;
        _time = time;
        _logger = logger;
        _reconnectBackoff = new ExponentialBackoff(TimeSpan.FromMilliseconds(_mqtt.ReconnectMinMilliseconds), TimeSpan.FromMilliseconds(_mqtt.ReconnectMaxMilliseconds));
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        await _broker.EndAsync("shutdown", cancellationToken).ConfigureAwait(false);
    }

    private async Task PublishAcceptedAsync(Guid commandId, CancellationToken ct)
    {
        if (_broker.Topics is not { } topics || !_broker.IsConnected)
        {
            return;
        }

        var accepted = new CommandResult { CommandId = commandId, Status = CommandStatus.Accepted, Detail = "switching to the new credentials", AtUtc = _time.GetUtcNow() };
        await InboundRouter.PublishResultAsync(_broker.Client, topics, accepted, ct).ConfigureAwait(false);
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
            var old = _broker.Identity ?? _identity.Current;
            var candidate = _identity.Preview(rotated);

            // The new password is tried where the session was: a refusal must mean "wrong password", not "other broker".
            var broker = _broker.NextBroker(candidate);
            await PublishAcceptedAsync(commandId, ct).ConfigureAwait(false);
            await _broker.EndAsync("rotate-credentials", ct).ConfigureAwait(false);
            _broker.ReconnectReason = "rotate-credentials";
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
                await TryConnectAsync(old, _broker.NextBroker(old), ct).ConfigureAwait(false);
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
        var client = _broker.Client;
        client.ApplicationMessageReceivedAsync += OnMessageAsync;
        client.DisconnectedAsync += OnDisconnectedAsync;
        _outbox.Committed += Wake;
        _uploader.Progress += Wake;
        var failures = 0;
        var inbound = _inbound.RunAsync(client, () => _broker.Topics, this, stoppingToken);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                _status.Beat(_time.GetTimestamp());
                try
                {
                    var (identity, generation) = _identity.Snapshot();
                    if (identity is null || (_broker.Identity is not null && _sessionGeneration != generation))
                    {
                        await LeaveSessionAsync(identity, generation, stoppingToken).ConfigureAwait(false);
                        if (identity is null)
                        {
                            // Awaiting provisioning: chunks pile up in the outbox until an identity exists.
                            await WaitForWorkAsync(stoppingToken).ConfigureAwait(false);
                            continue;
                        }
                    }

                    if (!client.IsConnected && await ConnectUnderGateAsync(identity, generation, stoppingToken).ConfigureAwait(false) is { } step)
                    {
                        await Task.Delay(_reconnectBackoff.Delay(step), _time, stoppingToken).ConfigureAwait(false);
                        continue;
                    }

                    failures = 0;
                    if (_broker.Topics is { } current)
                    {
                        await _uploader.PumpAsync(client, current, stoppingToken).ConfigureAwait(false);
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
            if (_broker.IsConnected)
            {
                return null;
            }

            _sessionGeneration = generation;
            var broker = _broker.NextBroker(identity);
            try
            {
                if (await TryConnectAsync(identity, broker, ct).ConfigureAwait(false))
                {
                    return null;
                }
            }
            catch (Exception ex) when ((ex is not OperationCanceledException || !ct.IsCancellationRequested) && !_broker.IsConnected)
            {
                // A connect that failed in a way MQTTnet does not wrap (TLS, name resolution) still counts against this
                // broker: the list must move on rather than retry the same broken entry forever. Errors after the
                // connection is up go to the loop's handler as they always did.
                LogConnectError(ex, broker.ToString());
            }

            return _broker.Failed(identity, broker);
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
            if (_broker.Identity is { } old && (next is null || _sessionGeneration != generation) && _broker.Topics is { } topics)
            {
                if (next is null || next.ClientId != old.ClientId)
                {
                    await _homeAssistant.RemoveAsync(_broker.Client, topics, ct).ConfigureAwait(false);
                }

                await _broker.EndAsync(next is null ? "reprovision" : "identity-changed", ct).ConfigureAwait(false);
                _uploader.OnSessionLost();
                LogSessionLeft(old.ClientId, next?.ClientId ?? "(none)");
            }
        }
        finally
        {
            _sessionGate.Release();
        }
    }

    /// <summary>Connects as <paramref name="identity"/>; once up, the uploader, the cloud and Home Assistant learn of it.</summary>
    private async Task<bool> TryConnectAsync(AgentIdentity identity, BrokerEndpoint broker, CancellationToken ct)
    {
        if (await _broker.ConnectAsync(identity, broker, ct).ConfigureAwait(false) is not { } start)
        {
            return false;
        }

        _broker.ReportSession(identity, start);
        if (start.ResendAll)
        {
            _uploader.OnSessionLost();
        }

        await _broker.AnnounceOnlineAsync(ct).ConfigureAwait(false);
        await _inbound.PublishReportedAsync(_broker.Client, start.Topics, _config.Report(), ct).ConfigureAwait(false);
        await _homeAssistant.AnnounceAsync(_broker.Client, start.Topics, ct).ConfigureAwait(false);
        _broker.ReportConnected(identity, start);
        return true;
    }

    /// <summary>MQTTnet's receive loop: acks go straight to the uploader (it never waits), the rest to the router's worker.</summary>
    private Task OnMessageAsync(MqttApplicationMessageReceivedEventArgs e)
    {
        var topic = e.ApplicationMessage.Topic;
        var topics = _broker.Topics;
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
        _broker.OnDisconnected(e);
        Wake();
        return Task.CompletedTask;
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

    [LoggerMessage(Level = LogLevel.Error, Message = "Connecting to broker {Broker} failed")]
    private partial void LogConnectError(Exception exception, string broker);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Session as {Old} ended; next identity: {Next}")]
    private partial void LogSessionLeft(string old, string next);

    [LoggerMessage(Level = LogLevel.Information, Message = "Credentials of {ClientId} rotated; reconnected with the new password")]
    private partial void LogRotated(string clientId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Broker refused the rotated credentials of {ClientId}; keeping the old ones")]
    private partial void LogRotationRefused(string clientId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Uplink iteration failed; retrying after backoff")]
    private partial void LogIterationFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Message on unexpected topic {Topic} ignored")]
    private partial void LogUnexpectedTopic(string topic);
}
