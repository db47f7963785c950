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
/// With <see cref="BridgeOptions.StoreAheadBatches"/> > 0 each worker overlaps the store, commit and ack steps of
/// consecutive batches (see <see cref="LaneAsync"/>).
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
    /// <summary>
    /// A batch whose audio was stored longer ago than this re-checks it at commit: well inside the orphan sweep's
    /// grace (an hour by default), so a put the sweep could judge an orphan never goes unchecked, clock skew included.
    /// </summary>
    private static readonly TimeSpan RecheckStoredAfter = TimeSpan.FromMinutes(1);

    private readonly BridgeOptions _options = options.Value;

    // Task.Run without the token: a token already cancelled (host disposed right after start) would make the task
    // Canceled, which the host reports as a faulted service unless StopAsync came first. LaneAsync ends cleanly.
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Enumerable.Range(0, _options.IngestWorkers).Select(_ => Task.Run(() => LaneAsync(stoppingToken), CancellationToken.None)));

    /// <summary>
    /// One worker: three loops joined by channels: store (screen, write and fsync the batch's files), commit (insert +
    /// commit the rows) and ack (ack to the devices, PUBACK to the broker). Their waits are on different things (disk
    /// flush, WAL flush and round trips, the broker), so batch N+1's files are written while batch N commits and batch
    /// N-1 is acked. Per chunk the order stays file durable → row committed → ack: a batch reaches the commit loop only
    /// after its files and their directories were fsynced, and the ack loop only after its commit; a crash in between
    /// leaves files without rows (a resend finds them AlreadyPresent) or rows without acks (a resend is a Duplicate).
    /// With <see cref="BridgeOptions.StoreAheadBatches"/> = 0 one batch goes through all three steps at a time.
    /// </summary>
    private async Task LaneAsync(CancellationToken ct)
    {
        if (_options.StoreAheadBatches == 0)
        {
            await StoreLoopAsync(async staged => await AckAsync([staged], await CommitAsync([staged], ct).ConfigureAwait(false), ct).ConfigureAwait(false), ct).ConfigureAwait(false);
            return;
        }

        var stored = Channel.CreateBounded<StagedBatch>(new BoundedChannelOptions(_options.StoreAheadBatches) { SingleReader = true, SingleWriter = true });
        var committed = Channel.CreateBounded<(List<StagedBatch> Group, List<BatchAcks> Acks)>(new BoundedChannelOptions(1) { SingleReader = true, SingleWriter = true });

        // Downstream loops drain their channel even after cancellation (each batch then fails fast and is released), so
        // no write to a channel waits forever and no batch leaves without its PUBACK.
        var acker = Task.Run(async () =>
        {
            await foreach (var (group, acks) in committed.Reader.ReadAllAsync(CancellationToken.None).ConfigureAwait(false))
            {
                await AckAsync(group, acks, ct).ConfigureAwait(false);
            }
        }, CancellationToken.None);

        // The commit loop takes every stored batch waiting and commits them in one transaction: when commits are the
        // slower step, batches pile up and each commit carries more rows (group commit).
        var committer = Task.Run(async () =>
        {
            try
            {
                while (await stored.Reader.WaitToReadAsync(CancellationToken.None).ConfigureAwait(false))
                {
                    var group = new List<StagedBatch>(_options.StoreAheadBatches);
                    while (stored.Reader.TryRead(out var staged))
                    {
                        group.Add(staged);
                    }

                    var acks = await CommitAsync(group, ct).ConfigureAwait(false);
                    await committed.Writer.WriteAsync((group, acks), CancellationToken.None).ConfigureAwait(false);
                }
            }
            finally
            {
                committed.Writer.TryComplete();
            }
        }, CancellationToken.None);
        try
        {
            await StoreLoopAsync(staged => stored.Writer.WriteAsync(staged, CancellationToken.None).AsTask(), ct).ConfigureAwait(false);
        }
        finally
        {
            stored.Writer.TryComplete();
            await committer.ConfigureAwait(false);
            await acker.ConfigureAwait(false);
        }
    }

    private async Task StoreLoopAsync(Func<StagedBatch, Task> next, CancellationToken ct)
    {
        try
        {
            while (await queue.Reader.WaitToReadAsync(ct).ConfigureAwait(false))
            {
                var batch = new List<ReceivedMessage>(_options.BatchSize);
                while (batch.Count < _options.BatchSize && queue.Reader.TryRead(out var message))
                {
                    batch.Add(message);
                }

                if (batch.Count == 0)
                {
                    continue;
                }

                var staged = new StagedBatch(batch, new IngestTracing(), time.GetTimestamp());
                try
                {
                    await StoreAsync(staged, ct).ConfigureAwait(false);
                }
                catch (Exception ex)
                {
                    Fail(staged, ex, ct);
                }

                await next(staged).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    private void Fail(StagedBatch staged, Exception ex, CancellationToken ct)
    {
        staged.Failed = true;
        if (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            staged.Spans.Fail(ex);
            metrics.OnBatchFailed();
            LogBatchFailed(ex, staged.Messages.Count);
        }
    }

    /// <summary>Commits stored batches (those whose store stage did not fail); returns what to ack per batch.</summary>
    private async Task<List<BatchAcks>> CommitAsync(IReadOnlyList<StagedBatch> group, CancellationToken ct)
    {
        try
        {
            return await CommitStageAsync(group.Where(b => !b.Failed).ToList(), ct).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            foreach (var staged in group.Where(b => !b.Failed))
            {
                Fail(staged, ex, ct);
            }

            return [];
        }
    }

    /// <summary>Sends the acks of committed batches, then releases every batch of the group whatever the outcome.</summary>
    private async Task AckAsync(IReadOnlyList<StagedBatch> group, List<BatchAcks> acks, CancellationToken ct)
    {
        try
        {
            foreach (var batch in acks)
            {
                try
                {
                    await PublishAcksAsync(batch.Batch, batch.Acks, ct).ConfigureAwait(false);
                }
                catch (Exception ex)
                {
                    Fail(batch.Batch, ex, ct);
                }
            }
        }
        finally
        {
            foreach (var staged in group)
            {
                metrics.OnBatch(staged.Messages.Count, time.GetElapsedTime(staged.Started));
                staged.Spans.Dispose();

                // PUBACK whatever the outcome: unacked messages would pin the broker's in-flight window until a
                // reconnect, while the device resends anything that got no application ack anyway.
                await ReleaseAsync(staged.Messages).ConfigureAwait(false);
            }
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Chunk {ChunkId} from {TenantId}/{DeviceId}: its audio {Key}, left by an earlier attempt, was deleted as an orphan while the resend was stored; stored it again before the row")]
    private partial void LogAudioRestored(Guid chunkId, string tenantId, string deviceId, string key);

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
