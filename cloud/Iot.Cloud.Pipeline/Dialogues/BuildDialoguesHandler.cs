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
        await using var tx = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);

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
        var closed = 0;
        if (plan.Count > 0)
        {
            // Looking back from a dialogue's first chunk needs at most the gap's worth of chunks of at least a second.
            var fromSeq = plan.SelectMany(d => d.Segments).Min(s => s.Chunk.Seq) - (long)Math.Ceiling(gap.TotalSeconds) - 1;
            var firstKnownSeq = await DialogueStore.FirstSeqAsync(connection, tx, deviceId, cancellationToken).ConfigureAwait(false);
            var known = (await DialogueStore.ChunksFromAsync(connection, tx, deviceId, fromSeq, cancellationToken).ConfigureAwait(false)).ToDictionary(c => c.Seq);
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
                closed++;
            }
        }

        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        LogBuilt(deviceId, plan.Count, closed, ignored);
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
