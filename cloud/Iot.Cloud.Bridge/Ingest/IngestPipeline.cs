using System.Buffers;
using System.Diagnostics;
using System.Threading.Channels;
using Iot.Cloud.Bridge.Persistence;
using Iot.Cloud.Bridge.Storage;
using Iot.Protocol.Chunks;
using Iot.Protocol.Messages;
using Iot.Protocol.Topics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Iot.Cloud.Bridge.Ingest;

/// <summary>
/// Validate → write audio atomically → insert rows idempotently → ack. Acks go out only after both the file and
/// the row are durable. A batch that fails (database down, disk full) is not acked at all; devices resend it.
/// </summary>
public sealed partial class IngestPipeline(
    Channel<ReceivedMessage> queue,
    BridgeConnection connection,
    RecordingStore store,
    ChunkRepository chunks,
    DeviceRegistry devices,
    IngestMetrics metrics,
    RejectionCounter rejections,
    IOptions<BridgeOptions> options,
    TimeProvider time,
    ILogger<IngestPipeline> logger,
    IIngestHook? hook = null) : BackgroundService
{
    private readonly BridgeOptions _options = options.Value;

    // Task.Run without the token: a token already cancelled (host disposed right after start) would make the task
    // Canceled, which the host reports as a faulted service unless StopAsync came first. WorkerAsync ends cleanly.
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Enumerable.Range(0, _options.IngestWorkers).Select(_ => Task.Run(() => WorkerAsync(stoppingToken), CancellationToken.None)));

    private async Task WorkerAsync(CancellationToken ct)
    {
        var batch = new List<ReceivedMessage>(_options.BatchSize);
        try
        {
            while (await queue.Reader.WaitToReadAsync(ct).ConfigureAwait(false))
            {
                batch.Clear();
                while (batch.Count < _options.BatchSize && queue.Reader.TryRead(out var message))
                {
                    batch.Add(message);
                }

                try
                {
                    await ProcessAsync(batch, ct).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
                {
                    metrics.OnBatchFailed();
                    LogBatchFailed(ex, batch.Count);
                }
                finally
                {
                    // PUBACK whatever the outcome: unacked messages would pin the broker's in-flight window until a
                    // reconnect, while the device resends anything that got no application ack anyway.
                    await ReleaseAsync(batch).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    private async Task ReleaseAsync(List<ReceivedMessage> batch)
    {
        foreach (var message in batch)
        {
            if (message.Release is null)
            {
                continue;
            }

            try
            {
                await message.Release(CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Any failure here, not just the documented ones: MQTTnet 5 throws NullReferenceException when the
                // connection drops under a PUBACK (broker killed), and an exception escaping this finally-path would
                // stop the whole bridge. Nothing is lost by skipping a PUBACK: the broker redelivers, we answer "duplicate".
                LogReleaseFailed(ex.GetType().Name + ": " + ex.Message);
            }
        }
    }

    internal async Task ProcessAsync(IReadOnlyList<ReceivedMessage> batch, CancellationToken ct)
    {
        using var spans = new IngestTracing();
        var started = time.GetTimestamp();
        try
        {
            await ProcessAsync(batch, spans, ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            spans.Fail(ex);
            throw;
        }
        finally
        {
            metrics.OnBatch(batch.Count, time.GetElapsedTime(started));
        }
    }

    private async Task ProcessAsync(IReadOnlyList<ReceivedMessage> batch, IngestTracing spans, CancellationToken ct)
    {
        var accepted = new Dictionary<Guid, (ChunkMetadata Metadata, byte[] Audio)>();
        var replays = new List<ChunkMetadata>();
        var current = Activity.Current;
        foreach (var message in batch)
        {
            // The message's span is current while it is screened, so a rejection's log line carries its trace id.
            spans.Start(message);
            var chunk = await ScreenAsync(message, spans, ct).ConfigureAwait(false);
            Activity.Current = current;
            if (chunk is null)
            {
                spans.Outcome(message, "rejected");
                continue;
            }

            spans.Event(chunk.Value.Metadata.ChunkId, "validated");

            if (!accepted.TryAdd(chunk.Value.Metadata.ChunkId, chunk.Value))
            {
                replays.Add(chunk.Value.Metadata);
            }
        }

        if (accepted.Count == 0)
        {
            return;
        }

        // File writes overlap so their fsyncs can share journal commits; the directory fsync follows once per batch.
        var results = new (ChunkMetadata Metadata, StoreResult Result)[accepted.Count];
        await Parallel.ForEachAsync(accepted.Values.Select((c, i) => (c, i)), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct }, async (item, token) =>
            results[item.i] = (item.c.Metadata, item.c.Metadata.AudioIncluded
                ? await store.WriteAsync(item.c.Metadata, item.c.Audio, token).ConfigureAwait(false)
                : StoreResult.NoAudio)).ConfigureAwait(false);
        store.SyncDirectories(results.Where(r => r.Result == StoreResult.Written).Select(r => r.Metadata));
        foreach (var (metadata, result) in results)
        {
            spans.Event(metadata.ChunkId, result == StoreResult.Written ? "stored" : "store." + result.ToString().ToLowerInvariant());
        }

        var rows = new List<ChunkRow>();
        foreach (var (metadata, result) in results)
        {
            if (result == StoreResult.Conflict)
            {
                spans.Outcome(metadata.ChunkId, "rejected");
                await RejectAsync(metadata.TenantId, metadata.DeviceId, metadata.ChunkId, RejectReason.ConflictingDuplicate,
                    "a different recording with this chunk id is already stored", retryable: false, ct).ConfigureAwait(false);
                continue;
            }

            rows.Add(new ChunkRow(metadata, result == StoreResult.NoAudio ? null : RecordingStore.RelativePath(metadata)));
        }

        var outcome = await chunks.InsertAsync(rows, _options.InstanceId, ct).ConfigureAwait(false);
        foreach (var row in rows)
        {
            spans.Event(row.Metadata.ChunkId, "committed");
        }

        var acks = new List<(ChunkMetadata Metadata, AckStatus Status)>();
        foreach (var row in rows)
        {
            var m = row.Metadata;
            if (outcome.Inserted.Contains(m.ChunkId))
            {
                metrics.OnStored();
                spans.Outcome(m.ChunkId, "stored");
                spans.Within(m.ChunkId, () => LogStored(m.ChunkId, m.TenantId, m.DeviceId, m.Sequence, "stored"));
                acks.Add((m, AckStatus.Stored));
            }
            else if (outcome.ExistingHashes.TryGetValue(m.ChunkId, out var sha) && sha == m.Sha256)
            {
                metrics.OnDuplicate();
                spans.Outcome(m.ChunkId, "duplicate");
                spans.Within(m.ChunkId, () => LogStored(m.ChunkId, m.TenantId, m.DeviceId, m.Sequence, "duplicate"));
                acks.Add((m, AckStatus.Duplicate));
            }
            else
            {
                spans.Outcome(m.ChunkId, "rejected");
                await RejectAsync(m.TenantId, m.DeviceId, m.ChunkId, RejectReason.ConflictingDuplicate,
                    "a different recording with this chunk id is already recorded", retryable: false, ct).ConfigureAwait(false);
            }
        }

        acks.AddRange(replays.Where(r => acks.Any(a => a.Metadata.ChunkId == r.ChunkId)).Select(r => (r, AckStatus.Duplicate)));

        if (hook is not null && !await hook.BeforeAckAsync(acks.Select(a => a.Metadata).ToList(), ct).ConfigureAwait(false))
        {
            return;
        }

        var now = time.GetUtcNow();
        await Task.WhenAll(acks.Select(async a =>
        {
            var ack = new ChunkAck { ChunkId = a.Metadata.ChunkId, Status = a.Status, AtUtc = now };
            if (await connection.PublishAckAsync(a.Metadata.TenantId, a.Metadata.DeviceId, ack, ct).ConfigureAwait(false))
            {
                metrics.OnAckPublished();
                spans.Event(a.Metadata.ChunkId, "acked");
            }
        })).ConfigureAwait(false);
    }

    /// <summary>Returns the chunk if it may be stored; otherwise rejects it (telling the device when it can be identified).</summary>
    private async Task<(ChunkMetadata Metadata, byte[] Audio)?> ScreenAsync(ReceivedMessage message, IngestTracing spans, CancellationToken ct)
    {
        if (!TopicTree.TryParse(message.Topic, out var topic) || topic.Kind != TopicKind.Chunk)
        {
            metrics.OnUnroutable();
            LogUnroutable(message.Topic, message.Payload.Length);
            return null;
        }

        var read = ChunkEnvelope.TryDecode(new ReadOnlySequence<byte>(message.Payload), _options.MaxPayloadBytes);
        if (read.Metadata is { } decoded)
        {
            spans.Identify(message, decoded);
        }

        if (!read.Success)
        {
            await RejectAsync(topic.TenantId, topic.DeviceId, read.Metadata?.ChunkId, read.Reason, read.Error, retryable: false, ct).ConfigureAwait(false);
            return null;
        }

        var check = ChunkValidator.Validate(read.Metadata, read.Audio, topic);
        if (!check.IsValid)
        {
            await RejectAsync(topic.TenantId, topic.DeviceId, read.Metadata.ChunkId, check.Reason, check.Error, retryable: false, ct).ConfigureAwait(false);
            return null;
        }

        if (!await devices.IsKnownAsync(topic.TenantId, topic.DeviceId, ct).ConfigureAwait(false))
        {
            // Retryable: the device keeps the audio and tries again once it has been registered.
            await RejectAsync(topic.TenantId, topic.DeviceId, read.Metadata.ChunkId, RejectReason.UnknownDevice,
                $"device {topic.TenantId}/{topic.DeviceId} is not registered or disabled", retryable: true, ct).ConfigureAwait(false);
            return null;
        }

        return (read.Metadata, read.Audio);
    }

    private async Task RejectAsync(string tenantId, string deviceId, Guid? chunkId, RejectReason reason, string? detail, bool retryable, CancellationToken ct)
    {
        metrics.OnRejected(reason);
        Activity.Current?.SetTag("iot.reject_reason", reason.ToString());
        rejections.Count(tenantId, deviceId, reason);
        LogRejected(reason.ToString(), tenantId, deviceId, chunkId, detail);
        var ack = new ChunkAck { ChunkId = chunkId, Status = AckStatus.Rejected, Reason = reason, Detail = detail, Retryable = retryable, AtUtc = time.GetUtcNow() };
        await connection.PublishAckAsync(tenantId, deviceId, ack, ct).ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Ingest batch of {Count} failed; nothing in it was acked, devices will resend")]
    private partial void LogBatchFailed(Exception exception, int count);

    [LoggerMessage(Level = LogLevel.Debug, Message = "PUBACK not sent (connection gone; the broker will redeliver): {Error}")]
    private partial void LogReleaseFailed(string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dropped message on {Topic} ({Bytes} bytes): not a device chunk topic")]
    private partial void LogUnroutable(string topic, int bytes);

    // Debug: one line per chunk is the volume of the ingest itself; switched on per source when a chunk is chased.
    [LoggerMessage(Level = LogLevel.Debug, Message = "Chunk {ChunkId} from {TenantId}/{DeviceId} #{Sequence} {Outcome}")]
    private partial void LogStored(Guid chunkId, string tenantId, string deviceId, long sequence, string outcome);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rejected chunk from {TenantId}/{DeviceId} ({ChunkId}): {Reason}: {Detail}")]
    private partial void LogRejected(string reason, string tenantId, string deviceId, Guid? chunkId, string? detail);
}
