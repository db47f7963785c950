namespace Iot.Cloud.Pipeline.Dialogues;

/// <summary>
/// Groups a device's not-yet-frozen speech segments into dialogues. A pure function of its inputs, so arrival order
/// cannot change the result. Rules:
/// <list type="bullet">
/// <item>Segments of chunks with a transaction id form one dialogue per transaction id, however long or quiet.
/// If that transaction's dialogue is already frozen, late segments for it are left out (counted, logged).</item>
/// <item>Other segments are sorted by (wall-clock start, chunk id, start) and folded: a segment starts a new dialogue
/// when it begins more than the gap after the latest end so far, when the dialogue would grow beyond the maximum
/// length, or when a frozen dialogue starts in between. A late chunk that fills a silence therefore merges the two
/// open dialogues it bridges, and one that stretches a dialogue past the maximum length moves the cut; in both cases
/// the result equals what in-order arrival would have produced.</item>
/// <item>A gap dialogue is named by its first segment; a late segment earlier than that renames it (open dialogues
/// are rebuilt wholesale and nothing refers to them yet).</item>
/// <item>Frozen dialogues are never regrouped. <see cref="ClosingRule"/> only freezes a dialogue on evidence when the
/// chunks a gap before and after it are all known, so out-of-order arrival reaches the in-order result; what arrives
/// after a dialogue closed on time alone, or behind the start of a run already cut at the maximum length, becomes
/// a dialogue of its own rather than reopening finished work.</item>
/// </list>
/// </summary>
internal static class DialoguePlanner
{
    public static DialoguePlan Plan(
        string tenantId,
        string deviceId,
        IReadOnlyList<PlacedSegment> candidates,
        IReadOnlyList<FrozenDialogue> frozen,
        TimeSpan gap,
        TimeSpan maxLength)
    {
        var ordered = candidates
            .Where(s => s.EndMs > s.StartMs && s.StartMs >= 0)
            .OrderBy(s => s.StartedAt)
            .ThenBy(s => s.Chunk.ChunkId)
            .ThenBy(s => s.StartMs)
            .ToList();

        var dialogues = new List<PlannedDialogue>();
        var frozenTransactions = frozen.Where(f => f.TransactionId is not null).Select(f => f.TransactionId!).ToHashSet(StringComparer.Ordinal);
        var ignored = 0;
        foreach (var visit in ordered.Where(s => s.Chunk.TransactionId is not null).GroupBy(s => s.Chunk.TransactionId!, StringComparer.Ordinal))
        {
            if (frozenTransactions.Contains(visit.Key))
            {
                ignored += visit.Count();
                continue;
            }

            dialogues.Add(Build(DialogueIds.ForTransaction(tenantId, deviceId, visit.Key), visit.Key, [.. visit]));
        }

        var frozenStarts = frozen.Select(f => f.StartedAt).Order().ToArray();
        var current = new List<PlacedSegment>();
        var currentEnd = DateTime.MinValue;
        foreach (var segment in ordered.Where(s => s.Chunk.TransactionId is null))
        {
            var split = current.Count > 0 &&
                (segment.StartedAt - currentEnd > gap ||
                 segment.EndedAt - current[0].StartedAt > maxLength ||
                 frozenStarts.Any(f => f > current[0].StartedAt && f <= segment.StartedAt));
            if (split)
            {
                dialogues.Add(BuildGap(deviceId, current));
                current = [];
                currentEnd = DateTime.MinValue;
            }

            current.Add(segment);
            currentEnd = segment.EndedAt > currentEnd ? segment.EndedAt : currentEnd;
        }

        if (current.Count > 0)
        {
            dialogues.Add(BuildGap(deviceId, current));
        }

        return new DialoguePlan([.. dialogues.OrderBy(d => d.StartedAt).ThenBy(d => d.DialogueId)], ignored);
    }

    private static PlannedDialogue BuildGap(string deviceId, List<PlacedSegment> segments) =>
        Build(DialogueIds.ForGap(deviceId, segments[0].Chunk.ChunkId, segments[0].StartMs), null, segments);

    private static PlannedDialogue Build(Guid id, string? transactionId, List<PlacedSegment> segments) =>
        new(
            id,
            transactionId,
            segments.Select(s => s.Chunk.OperatorId).FirstOrDefault(o => o is not null),
            segments.Min(s => s.StartedAt),
            segments.Max(s => s.EndedAt),
            segments.Sum(s => s.EndMs - s.StartMs),
            segments);
}

/// <param name="IgnoredSegments">Late segments of transactions whose dialogue was already closed.</param>
internal sealed record DialoguePlan(IReadOnlyList<PlannedDialogue> Dialogues, int IgnoredSegments);
