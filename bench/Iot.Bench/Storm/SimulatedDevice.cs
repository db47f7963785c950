using System.Buffers;
using System.Diagnostics;
using System.Threading.Channels;
using Iot.Mqtt;
using Iot.Protocol.Chunks;
using Iot.Protocol.Messages;
using Iot.Protocol.Provisioning;
using Iot.Protocol.Serialization;
using Iot.Protocol.Topics;
using MQTTnet;
using MQTTnet.Protocol;

namespace Iot.Bench.Storm;

/// <summary>
/// One device coming back with a backlog, following the agent's upload rules (<see cref="DeviceRules"/>): its own
/// credentials, a persistent session (clean start off, a week's expiry), the agent's subscriptions, reconnect with
/// exponential backoff and equal jitter, at most <see cref="DeviceRules.MaxInFlight"/> chunks awaiting the cloud's
/// ack, oldest first, each publish awaited as the agent's pump does, a chunk resent when its ack is overdue, and
/// everything in flight resent when the broker did not keep the session. Done when every chunk is acked.
/// </summary>
internal sealed class SimulatedDevice : IDisposable
{
    private readonly StormDevice _identity;
    private readonly int _port;
    private readonly ChunkMetadata[] _backlog;
    private readonly byte[] _audio;
    private readonly StormStats _stats;
    private readonly MqttSession _session;
    private readonly AckTracker _tracker;
    private readonly HashSet<Guid> _acked = [];
    private readonly Dictionary<Guid, int> _index;
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly ExponentialBackoff _backoff = DeviceRules.ReconnectBackoff();
    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _connects;

    public SimulatedDevice(StormDevice identity, int port, int backlog, byte[] audio, string sha256, StormStats stats)
    {
        _identity = identity;
        _port = port;
        _audio = audio;
        _stats = stats;
        _tracker = new AckTracker(stats.AckTimeout);
        var recordedAt = DateTimeOffset.UtcNow.AddMinutes(-backlog);
        _backlog = Enumerable.Range(0, backlog).Select(i => new ChunkMetadata
        {
            ChunkId = Guid.CreateVersion7(),
            TenantId = identity.Tenant,
            DeviceId = identity.Device,
            Sequence = i,
            StartedAtUtc = recordedAt.AddMinutes(i),
            DurationMs = 60_000,
            SampleRate = 16000,
            Codec = AudioCodecs.OggOpus,
            ByteLength = audio.Length,
            Sha256 = sha256,
        }).ToArray();
        _index = _backlog.Select((m, i) => (m.ChunkId, i)).ToDictionary(x => x.ChunkId, x => x.i);
        _session = new MqttSession("storm-device", TimeProvider.System);
        _session.MessageReceived += OnMessageAsync;
        _session.Client.DisconnectedAsync += _ =>
        {
            Wake();
            return Task.CompletedTask;
        };
    }

    public IEnumerable<Guid> ChunkIds => _backlog.Select(m => m.ChunkId);

    public int Unacked
    {
        get
        {
            lock (_acked)
            {
                return _backlog.Length - _acked.Count;
            }
        }
    }

    public string Name => _identity.Device;

    public bool Connected => _session.IsConnected;

    public Task Done => _done.Task;

    public async Task RunAsync(CancellationToken ct)
    {
        var failures = 0;
        try
        {
            while (!ct.IsCancellationRequested && Unacked > 0)
            {
                if (!_session.IsConnected)
                {
                    if (!await TryConnectAsync(ct))
                    {
                        _stats.OnConnectFailed();
                        await Task.Delay(_backoff.Delay(failures++), ct);
                        continue;
                    }

                    failures = 0;
                }

                await PumpAsync(ct);
                await WaitForWorkAsync(ct);
            }

            // Drained: the connection stays up (keep-alives only) as a real device's would, until the bench ends.
            _done.TrySetResult();
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    public async Task DisconnectAsync()
    {
        try
        {
            await _session.DisconnectAsync("bench over", sessionExpirySeconds: 0, CancellationToken.None);
        }
        catch (Exception ex) when (ex is MQTTnet.Exceptions.MqttCommunicationException or OperationCanceledException or ObjectDisposedException)
        {
            // The broker is going away too; nothing to keep.
        }
    }

    public void Dispose() => _session.Dispose();

    private async Task<bool> TryConnectAsync(CancellationToken ct)
    {
        var topics = (Ack: TopicTree.Ack(_identity.Tenant, _identity.Device), Cmd: TopicTree.Cmd(_identity.Tenant, _identity.Device), Config: TopicTree.Config(_identity.Tenant, _identity.Device));
        var settings = new MqttConnectSettings
        {
            Host = "127.0.0.1",
            Port = _port,
            ClientId = MqttIdentities.Device(_identity.Tenant, _identity.Device),
            Username = MqttIdentities.Device(_identity.Tenant, _identity.Device),
            Password = _identity.Secret,
            CleanStart = false,
            SessionExpirySeconds = DeviceRules.SessionExpirySeconds,
            KeepAlive = DeviceRules.KeepAlive,
        };
        var started = Stopwatch.GetTimestamp();
        MqttConnectOutcome outcome;
        try
        {
            outcome = await _session.ConnectAsync(settings, [new(topics.Ack), new(topics.Cmd), new(topics.Config)], ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            _stats.OnConnectError(ex.GetType().Name + ": " + ex.Message);
            return false;
        }

        if (!outcome.IsConnected)
        {
            _stats.OnConnectError(outcome.Status + ": " + outcome.Reason);
            return false;
        }

        _stats.OnConnected(Stopwatch.GetElapsedTime(started), first: _connects++ == 0);
        if (!outcome.SessionPresent)
        {
            // Acks queued for the old session are gone with it: everything that was waiting goes again (the agent's rule).
            _stats.OnSessionLostResends(_tracker.Clear().Count);
        }

        return true;
    }

    /// <summary>The agent's <c>ChunkUploader.PumpAsync</c>: forget overdue chunks (they go again), fill the window oldest first.</summary>
    private async Task PumpAsync(CancellationToken ct)
    {
        var now = Stopwatch.GetTimestamp();
        var overdue = _tracker.TakeOverdue(now);
        _stats.OnAckTimeouts(overdue.Count);
        foreach (var id in overdue)
        {
            await PublishAsync(_backlog[_index[id]], resend: true, ct);
        }

        List<ChunkMetadata> ready;
        lock (_acked)
        {
            var room = DeviceRules.MaxInFlight - _tracker.Count;
            ready = _backlog.Where(m => !_acked.Contains(m.ChunkId) && !_tracker.IsPending(m.ChunkId)).Take(Math.Max(0, room)).ToList();
        }

        foreach (var m in ready)
        {
            if (!_session.IsConnected)
            {
                return;
            }

            _tracker.Sent(m.ChunkId, _identity.Device, Stopwatch.GetTimestamp());
            _stats.OnFirstSend(m.ChunkId);
            await PublishAsync(m, resend: false, ct);
        }
    }

    private async Task PublishAsync(ChunkMetadata m, bool resend, CancellationToken ct)
    {
        var message = new MqttApplicationMessageBuilder()
            .WithTopic(TopicTree.Chunk(m.TenantId, m.DeviceId))
            .WithPayload(ChunkEnvelope.Encode(m, _audio))
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .Build();
        try
        {
            var result = await _session.Client.PublishAsync(message, ct);
            if (!result.IsSuccess)
            {
                _stats.OnPublishRefused(result.ReasonCode.ToString());
            }
            else if (resend)
            {
                _stats.OnResent();
            }
        }
        catch (Exception ex) when (ex is MQTTnet.Exceptions.MqttCommunicationException or MQTTnet.Exceptions.MqttClientNotConnectedException)
        {
            // The connection went; the chunk stays in flight and is resent after the timeout or the reconnect.
            _stats.OnPublishFailed();
        }
    }

    private Task OnMessageAsync(MqttApplicationMessageReceivedEventArgs e)
    {
        var ack = ProtocolJson.TryDeserialize<ChunkAck>(e.ApplicationMessage.Payload.ToArray(), out _);
        if (ack is { ChunkId: { } id, Status: AckStatus.Stored or AckStatus.Duplicate })
        {
            lock (_acked)
            {
                if (!_acked.Add(id))
                {
                    _stats.OnDuplicateAck();
                    return Task.CompletedTask;
                }
            }

            if (_tracker.TryAck(id, out _, out var firstSent))
            {
                _stats.OnAcked(id, Stopwatch.GetElapsedTime(firstSent));
            }
            else
            {
                _stats.OnAcked(id, null); // acked after its send was forgotten (a timeout or a lost session)
            }

            Wake();
        }
        else if (ack is { Status: AckStatus.Rejected })
        {
            _stats.OnRejected($"{ack.Reason}: {ack.Detail}");
        }

        return Task.CompletedTask;
    }

    private void Wake() => _wake.Writer.TryWrite(true);

    private async Task WaitForWorkAsync(CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(_tracker.CheckInterval);
        try
        {
            await _wake.Reader.ReadAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
        }
    }
}

/// <summary>A device row the storm bench provisioned, with the secret only the device knows.</summary>
internal sealed record StormDevice(string Tenant, string Device, string Secret);
