using System.Text.Json;
using Iot.Cloud.Pipeline.Audio;
using Iot.Cloud.Pipeline.Jobs;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Iot.Cloud.Pipeline.Dialogues;

/// <summary>
/// <c>build-dialogues</c> ({"deviceId":"..."}): regroups the device's open speech into dialogues (see
/// <see cref="DialoguePlanner"/>), closes the complete ones (see <see cref="ClosingRule"/>) and queues their
/// transcription. While a dialogue stays open the job comes back when it could close on time alone.
/// </summary>
public sealed partial class BuildDialoguesHandler(
    NpgsqlDataSource dataSource,
    IJobQueue queue,
    IOptions<DialogueOptions> options,
    TimeProvider time,
    ILogger<BuildDialoguesHandler> logger) : IJobHandler
{
    public string Kind => JobKinds.BuildDialogues;

    public async Task<JobOutcome> HandleAsync(ClaimedJob job, CancellationToken cancellationToken)
    {
        var deviceId = PipelinePayloads.ReadString(job.Payload, "deviceId");
        return await BuildAsync(deviceId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Builds and closes what it can; the returned outcome says whether to look again.</summary>
    public async Task<JobOutcome> BuildAsync(string deviceId, CancellationToken cancellationToken)
    {
        var o = options.Value;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        // One snapshot for every query: under READ COMMITTED a chunk committed between the segment query and the
        // coverage query would count as evidence that a dialogue ended while its speech was never planned.
        await using var tx = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken).ConfigureAwait(false);

        // Two workers rebuilding one device at once would each delete the other's open rows.
        await DialogueStore.LockDeviceAsync(connection, tx, deviceId, cancellationToken).ConfigureAwait(false);
        var device = await DialogueStore.DeviceAsync(connection, tx, deviceId, cancellationToken).ConfigureAwait(false);
        if (device is null)
        {
            LogUnknownDevice(deviceId);
            return JobOutcome.Done;
        }

        var gap = TimeSpan.FromSeconds(device.GapSeconds ?? o.GapSeconds);
        var maxLength = TimeSpan.FromMinutes(o.MaxDialogueMinutes);
        var (chunks, frozenSegments) = await DialogueStore.CandidatesAsync(connection, tx, deviceId, cancellationToken).ConfigureAwait(false);
        var candidates = chunks
            .SelectMany(c => c.Segments.Select(s => new PlacedSegment(c, s.StartMs, s.EndMs)))
            .Where(s => !frozenSegments.Contains((s.Chunk.ChunkId, s.StartMs)))
            .ToList();

        IReadOnlyList<PlannedDialogue> plan = [];
        var ignored = 0;
        if (candidates.Count > 0)
        {
            var from = candidates.Min(s => s.StartedAt) - gap - maxLength;
            var transactions = candidates.Select(s => s.Chunk.TransactionId).OfType<string>().Distinct().ToArray();
            var frozen = await DialogueStore.FrozenAsync(connection, tx, deviceId, from, transactions, cancellationToken).ConfigureAwait(false);
            var result = DialoguePlanner.Plan(device.TenantId, deviceId, candidates, frozen, gap, maxLength);
            plan = result.Dialogues;
            ignored = result.IgnoredSegments;
        }

        var now = time.GetUtcNow().UtcDateTime;
        var layouts = plan.ToDictionary(
            d => d.DialogueId,
            d => DialogueTimeline.Layout([.. d.Segments.Select(s => new TimelineSegment(s.Chunk.ChunkId, s.StartMs, s.EndMs, s.Chunk.DurationMs))], o.PaddingMs));
        await DialogueStore.SaveOpenAsync(connection, tx, deviceId, device, plan, layouts, now, cancellationToken).ConfigureAwait(false);

        TimeSpan? recheck = null;
        var closedIds = new HashSet<Guid>();
        if (plan.Count > 0)
        {
            // Looking a gap back or ahead of a dialogue needs at most the gap's worth of chunks (chunks last a second or
            // more); with shorter chunks the evidence runs out and the time rule decides.
            var reach = (long)Math.Ceiling(gap.TotalSeconds) + 1;
            var seqs = plan.SelectMany(d => d.Segments).Select(s => s.Chunk.Seq).ToList();
            var transactions = plan.Select(d => d.TransactionId).OfType<string>().ToArray();
            var firstKnownSeq = await DialogueStore.FirstSeqAsync(connection, tx, deviceId, cancellationToken).ConfigureAwait(false);
            var known = (await DialogueStore.ChunksAroundAsync(connection, tx, deviceId, seqs.Min() - reach, seqs.Max() + reach, transactions, cancellationToken).ConfigureAwait(false))
                .ToDictionary(c => c.Seq);
            foreach (var dialogue in plan)
            {
                var decision = ClosingRule.Decide(dialogue, known, firstKnownSeq, gap, TimeSpan.FromSeconds(o.CloseGraceSeconds), now);
                if (!decision.Closable)
                {
                    recheck = recheck is { } r && r < decision.RecheckAfter ? r : decision.RecheckAfter;
                    continue;
                }

                await DialogueStore.CloseAsync(connection, tx, dialogue.DialogueId, now, cancellationToken).ConfigureAwait(false);
                await queue.EnqueueAsync(connection, tx, new JobRequest(
                    JobKinds.Transcribe, PipelinePayloads.Dialogue(dialogue.DialogueId), dialogue.DialogueId.ToString(), JobPriority.Fresh), cancellationToken).ConfigureAwait(false);
                closedIds.Add(dialogue.DialogueId);
            }
        }

        // Every candidate chunk without a segment in a still-open dialogue is settled (closed now, or left out).
        var stillOpen = plan.Where(d => !closedIds.Contains(d.DialogueId)).SelectMany(d => d.Segments).Select(s => s.Chunk.ChunkId).ToHashSet();
        var final = chunks.Select(c => c.ChunkId).Where(id => !stillOpen.Contains(id)).ToArray();
        if (final.Length > 0)
        {
            await DialogueStore.MarkFinalAsync(connection, tx, final, cancellationToken).ConfigureAwait(false);
        }

        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        LogBuilt(deviceId, plan.Count, closedIds.Count, ignored);
        if (recheck is { } delay)
        {
            // A second of slack so the time rule has certainly passed when the job returns.
            return JobOutcome.RetryAfter(delay + TimeSpan.FromSeconds(1));
        }

        return JobOutcome.Done;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "build-dialogues: device {DeviceId} is not registered; nothing to build")]
    private partial void LogUnknownDevice(string deviceId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "build-dialogues: device {DeviceId}: {Open} dialogue(s) rebuilt, {Closed} closed, {Ignored} late segment(s) of closed visits left out")]
    private partial void LogBuilt(string deviceId, int open, int closed, int ignored);
}
