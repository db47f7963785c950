using System.Buffers;
using System.Collections.Concurrent;
using Iot.Edge.Agent.Hosting;
using Iot.Edge.Agent.Outbox;
using Iot.Mqtt;
using Iot.Protocol.Chunks;
using Iot.Protocol.Messages;
using Iot.Protocol.Serialization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MQTTnet;
using MQTTnet.Protocol;

namespace Iot.Edge.Agent.Uplink;

/// <summary>
/// Drains the outbox to the broker, oldest first, keeping up to <see cref="MqttOptions.MaxInFlight"/> chunks awaiting
/// the cloud's application ack. A chunk leaves the outbox only on a Stored/Duplicate ack; a PUBACK alone proves nothing
/// about durability. Unacked chunks are resent after the ack timeout, so the bridge must be (and is) idempotent.
/// Knows nothing of connecting: the uplink hands it a connected client and tells it when the session was lost.
/// </summary>
internal sealed partial class ChunkUploader
{
    private readonly ChunkOutbox _outbox;
    private readonly UplinkStatus _status;
    private readonly ChunkUploadTracing _tracing;
    private readonly AgentOptions _agent;
    private readonly MqttOptions _mqtt;
    private readonly TimeProvider _time;
    private readonly ILogger<ChunkUploader> _logger;
    private readonly ExponentialBackoff _retryBackoff = new(TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(10));
    private readonly ConcurrentDictionary<Guid, long> _inFlight = new();

    public ChunkUploader(
        ChunkOutbox outbox,
        UplinkStatus status,
        ChunkUploadTracing tracing,
        IOptions<AgentOptions> agent,
        IOptions<MqttOptions> mqtt,
        TimeProvider time,
        ILogger<ChunkUploader> logger)
    {
        _outbox = outbox;
        _status = status;
        _tracing = tracing;
        _agent = agent.Value;
        _mqtt = mqtt.Value;
        _time = time;
        _logger = logger;
    }

    /// <summary>Raised after an ack settled a chunk: the window has room again.</summary>
    public event Action? Progress;

    /// <summary>Chunks published and awaiting their ack.</summary>
    public int InFlight => _inFlight.Count;

    /// <summary>
    /// Acks queued for an old session (or on a broker left behind) are gone with it: everything that was waiting is
    /// sent again. The bridge dedupes by chunk id, so a chunk stored before is acked Duplicate.
    /// </summary>
    public void OnSessionLost()
    {
        _inFlight.Clear();
        _tracing.OnSessionLost();
    }

    /// <summary>Forgets chunks whose ack is overdue, then publishes what fits the window.</summary>
    public async Task PumpAsync(IMqttClient client, SessionTopics topics, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(topics);
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
            if (!client.IsConnected)
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
            var result = await client.PublishAsync(builder.Build(), ct).ConfigureAwait(false);
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

    /// <summary>Handles the cloud's ack (raw payload from the ack topic). Runs on MQTTnet's receive loop: never waits.</summary>
    public void OnAck(ReadOnlySequence<byte> payload)
    {
        try
        {
            var ack = ProtocolJson.TryDeserialize<ChunkAck>(payload.ToArray(), out var error);
            if (ack is null)
            {
                LogBadAck(error);
                return;
            }

            HandleAck(ack);
        }
        catch (Exception ex)
        {
            LogAckHandlingFailed(ex);
        }
    }

    private void HandleAck(ChunkAck ack)
    {
        if (ack.ChunkId is not { } id)
        {
            LogRejectedUnidentified(ack.Reason.ToString(), ack.Detail);
            return;
        }

        // The outbox is settled before the chunk leaves the window: the pump (another thread) picks what is ready and
        // not in flight, and in between it would see the chunk as both and publish it again.
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

        _inFlight.TryRemove(id, out _);
        Progress?.Invoke();
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "No ack for chunk {ChunkId} within the timeout; it will be resent")]
    private partial void LogAckTimeout(Guid chunkId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Broker refused publish of chunk {ChunkId}: {Code} {ReasonString}")]
    private partial void LogPublishRefused(Guid chunkId, string code, string? reasonString);

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
}
