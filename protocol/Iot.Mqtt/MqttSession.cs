using System.Diagnostics;
using MQTTnet;
using MQTTnet.Exceptions;

namespace Iot.Mqtt;

/// <summary>
/// One MQTT client connection as every part of the system uses it: connect attempts with options from
/// <see cref="MqttClientOptionsFactory"/> followed by (re)subscribing, an optional kept-up loop with backoff and identity
/// switch, and state changes with their reasons as <see cref="StateChanged"/> events and <see cref="MqttSessionMetrics"/>.
/// Message handling, publishing policy and logging stay with the owner: they differ by reason to change.
/// </summary>
public sealed class MqttSession : IDisposable
{
    private readonly IMqttClient _client;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly KeyValuePair<string, object?> _tag;
    private TaskCompletionSource _lost = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _counted;
    private long _generation;
    private volatile MqttConnectSettings? _current;
    private volatile MqttSessionState _state = MqttSessionState.Disconnected;

    /// <param name="name">Names the session in events and metrics (bridge, provisioning, uplink, ...).</param>
    /// <param name="client">An existing client to drive (the agent's is shared with its publishers); a new one otherwise.</param>
    public MqttSession(string name, TimeProvider time, IMqttClient? client = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _tag = new("session", name);
        _client = client ?? new MqttClientFactory().CreateMqttClient();
        _client.DisconnectedAsync += OnDisconnectedAsync;
    }

    public string Name { get; }

    /// <summary>The client, for owners that hand it to helpers (publishing, Home Assistant discovery).</summary>
    public IMqttClient Client => _client;

    public bool IsConnected => _client.IsConnected;

    public MqttSessionState State => _state;

    /// <summary>
    /// Goes up by one before every CONNECT is sent, so a message handled under an older value came on an earlier
    /// connection. Its packet identifier means nothing on the current one (a broker resuming the session may have
    /// given that number to another message), so an owner that acknowledges PUBLISH itself must not PUBACK it here.
    /// </summary>
    public long Generation => Interlocked.Read(ref _generation);

    /// <summary>The settings of the current (or last) connection.</summary>
    public MqttConnectSettings? Current => _current;

    /// <summary>Raised synchronously on every state change; handlers must not block (they may run on MQTTnet's loop).</summary>
    public event Action<MqttSessionStateChange>? StateChanged;

    public event Func<MqttApplicationMessageReceivedEventArgs, Task> MessageReceived
    {
        add => _client.ApplicationMessageReceivedAsync += value;
        remove => _client.ApplicationMessageReceivedAsync -= value;
    }

    /// <summary>
    /// One attempt: CONNECT, then every subscription. Network failures and refusals come back as the outcome; other
    /// exceptions (a TLS handshake MQTTnet does not wrap, cancellation by <paramref name="ct"/>) propagate.
    /// </summary>
    public async Task<MqttConnectOutcome> ConnectAsync(MqttConnectSettings settings, IReadOnlyList<MqttSubscription> subscriptions, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(subscriptions);
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            return await ConnectUnderGateAsync(settings, subscriptions, ct).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Connects unless connected already (publish-on-demand clients); concurrent callers share one attempt.</summary>
    public async Task<MqttConnectOutcome> EnsureConnectedAsync(MqttConnectSettings settings, IReadOnlyList<MqttSubscription> subscriptions, CancellationToken ct)
    {
        if (_client.IsConnected)
        {
            return new MqttConnectOutcome(MqttConnectStatus.Connected, "already connected", SessionPresent: true);
        }

        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            return _client.IsConnected
                ? new MqttConnectOutcome(MqttConnectStatus.Connected, "already connected", SessionPresent: true)
                : await ConnectUnderGateAsync(settings, subscriptions, ct).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Keeps the session up until <paramref name="ct"/> ends. Each pass asks <paramref name="settings"/> which identity
    /// is wanted: null means none (stay away from the broker), a different client id or credential than the connected
    /// one means leave and reconnect as the new one. Failed attempts back off with jitter; a failed pass is reported to
    /// <paramref name="onIterationFailed"/>, never swallowed. <paramref name="onConnected"/> runs after every connect.
    /// </summary>
    public async Task RunAsync(
        Func<MqttConnectSettings?> settings,
        IReadOnlyList<MqttSubscription> subscriptions,
        MqttReconnectPolicy policy,
        Func<MqttConnectOutcome, CancellationToken, Task>? onConnected,
        Action<Exception> onIterationFailed,
        CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(subscriptions);
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(onIterationFailed);
        var failures = 0;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                var wanted = settings();
                if (_client.IsConnected && (wanted is null || !SameIdentity(wanted, _current)))
                {
                    await DisconnectAsync(wanted is null ? "no identity" : "identity-changed", sessionExpirySeconds: null, ct).ConfigureAwait(false);
                }

                if (wanted is null)
                {
                    await Task.Delay(policy.CheckInterval, _time, ct).ConfigureAwait(false);
                    continue;
                }

                if (!_client.IsConnected)
                {
                    var outcome = await ConnectAsync(wanted, subscriptions, ct).ConfigureAwait(false);
                    if (!outcome.IsConnected)
                    {
                        await Task.Delay(policy.Delay(failures++), _time, ct).ConfigureAwait(false);
                        continue;
                    }

                    failures = 0;
                    if (onConnected is not null)
                    {
                        await onConnected(outcome, ct).ConfigureAwait(false);
                    }
                }

                await WaitForLossAsync(policy.CheckInterval, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                break;
            }
            catch (ObjectDisposedException)
            {
                // The client was disposed under us (host shutdown, or a fault test aborting the session).
                break;
            }
            catch (Exception ex)
            {
                onIterationFailed(ex);
                try
                {
                    await Task.Delay(policy.Delay(failures++), _time, ct).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (ct.IsCancellationRequested)
                {
                    break;
                }
            }
        }
    }

    public async Task<MqttClientPublishResult> PublishAsync(MqttApplicationMessage message, CancellationToken ct) =>
        await _client.PublishAsync(message, ct).ConfigureAwait(false);

    /// <summary>A clean DISCONNECT (no last will); <paramref name="sessionExpirySeconds"/> overrides the expiry asked at connect.</summary>
    public async Task DisconnectAsync(string reason, uint? sessionExpirySeconds, CancellationToken ct)
    {
        if (!_client.IsConnected)
        {
            return;
        }

        var options = new MqttClientDisconnectOptionsBuilder().WithReason(MqttClientDisconnectOptionsReason.NormalDisconnection);
        if (sessionExpirySeconds is { } expiry)
        {
            options = options.WithSessionExpiryInterval(expiry);
        }

        _pendingReason = reason;
        var lost = Volatile.Read(ref _lost).Task;
        await _client.DisconnectAsync(options.Build(), ct).ConfigureAwait(false);
        try
        {
            // MQTTnet raises its disconnected event on its own task, possibly after a next connect has begun; waiting
            // for it here keeps the events in order and attributed to the connection that ended.
            await lost.WaitAsync(TimeSpan.FromSeconds(5), _time, ct).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
        }
    }

    /// <summary>Drops the connection without a DISCONNECT packet, as a crashed process would: the broker fires the last will.</summary>
    public void Abort() => _client.Dispose();

    public void Dispose()
    {
        _client.DisconnectedAsync -= OnDisconnectedAsync;
        _client.Dispose();
        _gate.Dispose();
    }

    private string? _pendingReason;

    private async Task<MqttConnectOutcome> ConnectUnderGateAsync(MqttConnectSettings settings, IReadOnlyList<MqttSubscription> subscriptions, CancellationToken ct)
    {
        var options = MqttClientOptionsFactory.Create(settings);
        _current = settings;
        Interlocked.Increment(ref _generation);
        Raise(MqttSessionState.Connecting, "connecting", settings);
        MqttClientConnectResult result;
        try
        {
            result = await _client.ConnectAsync(options, ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is MqttCommunicationException or TimeoutException or (InvalidOperationException and not ObjectDisposedException) || (ex is OperationCanceledException && !ct.IsCancellationRequested))
        {
            // InvalidOperationException: MQTTnet still tearing down the connection the broker just dropped ("not allowed
            // to connect while connect/disconnect is pending"). It passes in moments, so it is one more unreachable
            // attempt that backs off, not a failed pass. A disposed client (also an InvalidOperationException) is not.
            return Failed(new MqttConnectOutcome(MqttConnectStatus.Unreachable, ex.Message), settings);
        }
        catch (Exception ex)
        {
            Failed(new MqttConnectOutcome(MqttConnectStatus.Unreachable, ex.Message), settings);
            throw;
        }

        // MQTTnet 5 reports a refused CONNECT (bad credentials, not authorised) as a result code, not an exception.
        if (result.ResultCode != MqttClientConnectResultCode.Success)
        {
            return Failed(new MqttConnectOutcome(MqttConnectStatus.Refused, $"{result.ResultCode} {result.ReasonString}".TrimEnd()), settings);
        }

        Interlocked.Exchange(ref _lost, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        if (Interlocked.Exchange(ref _counted, 1) == 0)
        {
            MqttSessionMetrics.Connected.Add(1, _tag);
        }

        var optionalRefused = new List<(string, string)>();
        if (subscriptions.Count > 0)
        {
            var builder = new MqttClientSubscribeOptionsBuilder();
            foreach (var s in subscriptions)
            {
                builder = builder.WithTopicFilter(s.Filter, s.Qos);
            }

            var subscribed = await _client.SubscribeAsync(builder.Build(), ct).ConfigureAwait(false);
            var required = new List<(string, string)>();
            foreach (var item in subscribed.Items)
            {
                var wanted = subscriptions.FirstOrDefault(s => s.Filter == item.TopicFilter.Topic);
                if (wanted is null || wanted.IsGranted(item.ResultCode))
                {
                    continue;
                }

                (wanted.Optional ? optionalRefused : null)?.Add((item.TopicFilter.Topic, item.ResultCode.ToString()));
                if (!wanted.Optional)
                {
                    required.Add((item.TopicFilter.Topic, item.ResultCode.ToString()));
                }
            }

            if (required.Count > 0)
            {
                var refusal = new MqttConnectOutcome(MqttConnectStatus.SubscribeRefused, "subscription refused: " + string.Join(", ", required.Select(r => $"{r.Item1} {r.Item2}")))
                {
                    RequiredRefused = required,
                };
                await DisconnectAsync(refusal.Reason, sessionExpirySeconds: null, ct).ConfigureAwait(false);
                return Failed(refusal, settings);
            }
        }

        var connected = new MqttConnectOutcome(MqttConnectStatus.Connected, result.IsSessionPresent ? "connected (session present)" : "connected", result.IsSessionPresent)
        {
            OptionalRefused = optionalRefused,
        };
        MqttSessionMetrics.ConnectAttempts.Add(1, _tag, new("outcome", "connected"));
        Raise(MqttSessionState.Connected, connected.Reason, settings, MqttConnectStatus.Connected);
        return connected;
    }

    private MqttConnectOutcome Failed(MqttConnectOutcome outcome, MqttConnectSettings settings)
    {
        MqttSessionMetrics.ConnectAttempts.Add(1, _tag, new("outcome", outcome.Status switch
        {
            MqttConnectStatus.Refused => "refused",
            MqttConnectStatus.SubscribeRefused => "subscribe-refused",
            _ => "unreachable",
        }));
        Raise(MqttSessionState.Disconnected, outcome.Reason, settings, outcome.Status);
        return outcome;
    }

    private static bool SameIdentity(MqttConnectSettings wanted, MqttConnectSettings? current) =>
        current is not null
        && wanted.ClientId == current.ClientId
        && wanted.Username == current.Username
        && wanted.Password == current.Password;

    private async Task WaitForLossAsync(TimeSpan interval, CancellationToken ct)
    {
        try
        {
            await Volatile.Read(ref _lost).Task.WaitAsync(interval, _time, ct).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // Nothing lost: the caller re-checks which identity is wanted.
        }
    }

    private Task OnDisconnectedAsync(MqttClientDisconnectedEventArgs e)
    {
        if (!e.ClientWasConnected)
        {
            return Task.CompletedTask;
        }

        if (Interlocked.Exchange(ref _counted, 0) == 1)
        {
            MqttSessionMetrics.Connected.Add(-1, _tag);
        }

        var reason = Interlocked.Exchange(ref _pendingReason, null) ?? (e.Exception is null ? e.Reason.ToString() : $"{e.Reason} {e.Exception.Message}");
        MqttSessionMetrics.Disconnects.Add(1, _tag, new("reason", e.Reason.ToString()));
        Raise(MqttSessionState.Disconnected, reason, _current);
        Volatile.Read(ref _lost).TrySetResult();
        return Task.CompletedTask;
    }

    private void Raise(MqttSessionState state, string reason, MqttConnectSettings? settings, MqttConnectStatus? attempt = null)
    {
        _state = state;
        StateChanged?.Invoke(new MqttSessionStateChange(Name, state, reason, _time.GetUtcNow(), settings, attempt));
    }
}
