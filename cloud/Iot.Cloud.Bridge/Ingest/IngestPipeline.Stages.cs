using System.Diagnostics;
using Iot.Cloud.Bridge.Persistence;
using Iot.Cloud.Bridge.Storage;
using Iot.Protocol.Messages;

namespace Iot.Cloud.Bridge.Ingest;

/// <summary>The three steps of a batch: store (files durable), commit (rows committed), ack.</summary>
public sealed partial class IngestPipeline
{
    /// <summary>Screens the batch and makes its files durable; fills the rows the commit stage inserts.</summary>
    private async Task StoreAsync(StagedBatch staged, CancellationToken ct)
    {
        var spans = staged.Spans;
        var accepted = new Dictionary<Guid, (ChunkMetadata Metadata, byte[] Audio)>();
        var current = Activity.Current;
        foreach (var message in staged.Messages)
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
                staged.Replays.Add(chunk.Value.Metadata);
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

        foreach (var (metadata, result) in results)
        {
            if (result == StoreResult.Conflict)
            {
                spans.Outcome(metadata.ChunkId, "rejected");
                await RejectAsync(metadata.TenantId, metadata.DeviceId, metadata.ChunkId, RejectReason.ConflictingDuplicate,
                    "a different recording with this chunk id is already stored", retryable: false, ct).ConfigureAwait(false);
                continue;
            }

            // An object that was already there may be the orphan of a crashed bridge, which the sweep can delete at any
            // moment; the commit re-checks it under the chunk's lock (AudioKeyLock).
            staged.Rows.Add(new ChunkRow(metadata, result == StoreResult.NoAudio ? null : RecordingStore.RelativePath(metadata))
            {
                RecheckAudio = result == StoreResult.AlreadyPresent,
            });
            if (result != StoreResult.NoAudio)
            {
                staged.Audio[metadata.ChunkId] = accepted[metadata.ChunkId].Audio;
            }
        }

        staged.StoredAt = time.GetTimestamp();
    }

    /// <summary>
    /// Inserts and commits the stored batches' rows in one transaction; rejects chunks whose id holds another recording
    /// and returns the stored and duplicate acks per batch.
    /// </summary>
    private async Task<List<BatchAcks>> CommitStageAsync(List<StagedBatch> group, CancellationToken ct)
    {
        if (hook is not null)
        {
            foreach (var staged in group.ToList())
            {
                if (staged.Rows.Count > 0 && !await hook.BeforeCommitAsync(staged.Rows.Select(r => r.Metadata).ToList(), ct).ConfigureAwait(false))
                {
                    group.Remove(staged);
                }
            }
        }

        // A chunk resent while its first copy waits in an earlier batch of the group goes in once; the later copy is
        // answered like a replay within one batch.
        var rows = new List<ChunkRow>();
        var first = new HashSet<Guid>();
        var later = new HashSet<ChunkRow>(ReferenceEqualityComparer.Instance);
        var audio = new Dictionary<Guid, byte[]>();
        foreach (var staged in group)
        {
            // A put this old is within reach of the sweep's grace (e.g. a commit stalled on the database): re-check it.
            var stale = time.GetElapsedTime(staged.StoredAt) > RecheckStoredAfter;
            foreach (var row in staged.Rows)
            {
                if (!first.Add(row.Metadata.ChunkId))
                {
                    later.Add(row);
                    continue;
                }

                rows.Add(stale && row.StoragePath is not null ? row with { RecheckAudio = true } : row);
                if (staged.Audio.TryGetValue(row.Metadata.ChunkId, out var bytes))
                {
                    audio[row.Metadata.ChunkId] = bytes;
                }
            }
        }

        if (rows.Count == 0)
        {
            return [];
        }

        var outcome = await chunks.InsertAsync(rows, _options.InstanceId, (recheck, token) => StoreAgainAsync(recheck, audio, token), ct).ConfigureAwait(false);

        var answered = new HashSet<Guid>();
        var perBatch = new List<BatchAcks>();
        foreach (var staged in group)
        {
            var spans = staged.Spans;
            var acks = new List<(ChunkMetadata Metadata, AckStatus Status)>();
            foreach (var m in staged.Rows.Where(r => !later.Contains(r)).Select(r => r.Metadata))
            {
                spans.Event(m.ChunkId, "committed");
                if (outcome.Inserted.Contains(m.ChunkId))
                {
                    metrics.OnStored();
                    spans.Outcome(m.ChunkId, "stored");
                    spans.Within(m.ChunkId, () => LogStored(m.ChunkId, m.TenantId, m.DeviceId, m.Sequence, "stored"));
                    acks.Add((m, AckStatus.Stored));
                    answered.Add(m.ChunkId);
                }
                else if (outcome.ExistingHashes.TryGetValue(m.ChunkId, out var sha) && sha == m.Sha256)
                {
                    metrics.OnDuplicate();
                    spans.Outcome(m.ChunkId, "duplicate");
                    spans.Within(m.ChunkId, () => LogStored(m.ChunkId, m.TenantId, m.DeviceId, m.Sequence, "duplicate"));
                    acks.Add((m, AckStatus.Duplicate));
                    answered.Add(m.ChunkId);
                }
                else
                {
                    spans.Outcome(m.ChunkId, "rejected");
                    await RejectAsync(m.TenantId, m.DeviceId, m.ChunkId, RejectReason.ConflictingDuplicate,
                        "a different recording with this chunk id is already recorded", retryable: false, ct).ConfigureAwait(false);
                }
            }

            perBatch.Add(new BatchAcks(staged, acks));
        }

        foreach (var (staged, acks) in perBatch)
        {
            foreach (var m in staged.Rows.Where(later.Contains).Select(r => r.Metadata).Where(m => answered.Contains(m.ChunkId)))
            {
                metrics.OnDuplicate();
                staged.Spans.Event(m.ChunkId, "committed");
                staged.Spans.Outcome(m.ChunkId, "duplicate");
                acks.Add((m, AckStatus.Duplicate));
            }

            acks.AddRange(staged.Replays.Where(r => acks.Any(a => a.Metadata.ChunkId == r.ChunkId)).Select(r => (r, AckStatus.Duplicate)));
        }

        return perBatch;
    }

    /// <summary>
    /// Runs inside the commit's transaction, holding the chunks' <see cref="Iot.Cloud.Pipeline.Retention.AudioKeyLock"/>:
    /// stores each chunk's audio again unless the same object is still there. If the sweep deleted it in the meantime,
    /// the bytes this batch still holds go back before the row that names them commits.
    /// </summary>
    private async Task StoreAgainAsync(IReadOnlyList<ChunkRow> recheck, Dictionary<Guid, byte[]> audio, CancellationToken ct)
    {
        var written = new List<ChunkMetadata>();
        foreach (var row in recheck)
        {
            var m = row.Metadata;
            switch (await store.WriteAsync(m, audio[m.ChunkId], ct).ConfigureAwait(false))
            {
                case StoreResult.Written:
                    written.Add(m);
                    metrics.OnAudioRestored();
                    LogAudioRestored(m.ChunkId, m.TenantId, m.DeviceId, row.StoragePath!);
                    break;
                case StoreResult.Conflict:
                    // Another recording took the key between the store stage and now: fail the batch (nothing acked).
                    throw new InvalidOperationException($"chunk {m.ChunkId}: other audio appeared at {row.StoragePath} before the commit");
            }
        }

        store.SyncDirectories(written);
    }

    private async Task PublishAcksAsync(StagedBatch staged, List<(ChunkMetadata Metadata, AckStatus Status)> acks, CancellationToken ct)
    {
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
                staged.Spans.Event(a.Metadata.ChunkId, "acked");
            }
        })).ConfigureAwait(false);
    }
}
