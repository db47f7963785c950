namespace Iot.Cloud.Pipeline.Dialogues;

/// <summary>
/// When a dialogue is complete. Chunks arrive late and out of order, so completeness is judged on the device's
/// gap-free sequence numbers: only chunks contiguous with the dialogue's own prove that no missing chunk could still
/// add to it. Closing on evidence:
/// <list type="bullet">
/// <item>Gap dialogue: contiguous known audio (speech or metadata-only chunks) reaches more than the gap past its
/// end, and more than the gap before its start (or back to the device's first known chunk).</item>
/// <item>Transaction dialogue: every chunk from the visit's first to its last is known, the one before it is known
/// (or it is the device's first), and the one right after it is known (so the visit is over).</item>
/// </list>
/// Closing on time, whatever is missing: now − end &gt; gap + grace (the device went quiet or a chunk is lost for good).
/// A chunk that arrives after that is built into a dialogue of its own.
/// </summary>
internal static class ClosingRule
{
    public static ClosingDecision Decide(
        PlannedDialogue dialogue, IReadOnlyDictionary<long, DeviceChunk> chunksBySeq, long firstKnownSeq, TimeSpan gap, TimeSpan grace, DateTime now)
    {
        DateTime end;
        bool complete;
        if (dialogue.TransactionId is { } transaction)
        {
            var visit = chunksBySeq.Values.Where(c => c.TransactionId == transaction).Select(c => c.Seq).ToList();
            var first = visit.Count > 0 ? visit.Min() : dialogue.Segments.Min(s => s.Chunk.Seq);
            var last = visit.Count > 0 ? visit.Max() : dialogue.Segments.Max(s => s.Chunk.Seq);
            end = chunksBySeq.TryGetValue(last, out var lastChunk) ? lastChunk.EndedAt : dialogue.EndedAt;
            complete = Contiguous(chunksBySeq, first, last)
                && (first - 1 < firstKnownSeq || chunksBySeq.ContainsKey(first - 1))
                && chunksBySeq.ContainsKey(last + 1);
        }
        else
        {
            end = dialogue.EndedAt;
            complete = CoveredAfter(dialogue, chunksBySeq, gap) && CoveredBefore(dialogue, chunksBySeq, firstKnownSeq, gap);
        }

        if (complete)
        {
            return ClosingDecision.Close;
        }

        var deadline = end + gap + grace;
        return now > deadline ? ClosingDecision.Close : ClosingDecision.WaitUntil(deadline - now);
    }

    private static bool Contiguous(IReadOnlyDictionary<long, DeviceChunk> chunks, long from, long to)
    {
        for (var seq = from; seq <= to; seq++)
        {
            if (!chunks.ContainsKey(seq))
            {
                return false;
            }
        }

        return true;
    }

    private static bool CoveredAfter(PlannedDialogue dialogue, IReadOnlyDictionary<long, DeviceChunk> chunks, TimeSpan gap)
    {
        for (var seq = dialogue.Segments.Max(s => s.Chunk.Seq); chunks.TryGetValue(seq, out var chunk); seq++)
        {
            if (chunk.EndedAt - dialogue.EndedAt > gap)
            {
                return true;
            }
        }

        return false;
    }

    private static bool CoveredBefore(PlannedDialogue dialogue, IReadOnlyDictionary<long, DeviceChunk> chunks, long firstKnownSeq, TimeSpan gap)
    {
        var seq = dialogue.Segments.Min(s => s.Chunk.Seq);
        while (chunks.TryGetValue(seq, out var chunk))
        {
            if (dialogue.StartedAt - chunk.StartedAt > gap)
            {
                return true;
            }

            seq--;
        }

        return seq < firstKnownSeq;
    }
}

internal sealed record ClosingDecision(bool Closable, TimeSpan RecheckAfter)
{
    public static ClosingDecision Close { get; } = new(true, TimeSpan.Zero);

    public static ClosingDecision WaitUntil(TimeSpan delay) => new(false, delay);
}
