namespace Iot.Cloud.Pipeline.Dialogues;

/// <summary>
/// When a dialogue is complete. Chunks may arrive late and out of order, so "later audio exists" is judged on the
/// device's gap-free sequence numbers: only audio contiguous with the dialogue's last chunk proves nothing more will
/// be added to it.
/// <list type="bullet">
/// <item>Gap dialogue: contiguous known audio (speech or metadata-only chunks) reaches more than the gap past its end.</item>
/// <item>Transaction dialogue: the chunk right after the visit's last chunk exists (it belongs to something else).</item>
/// <item>Either: now − end &gt; gap + grace (the device went quiet or a chunk was lost for good).</item>
/// </list>
/// </summary>
internal static class ClosingRule
{
    public static ClosingDecision Decide(PlannedDialogue dialogue, IReadOnlyDictionary<long, DeviceChunk> chunksBySeq, TimeSpan gap, TimeSpan grace, DateTime now)
    {
        DateTime end;
        if (dialogue.TransactionId is { } transaction)
        {
            var visitChunks = chunksBySeq.Values.Where(c => c.TransactionId == transaction).ToList();
            var last = visitChunks.MaxBy(c => c.Seq) ?? dialogue.Segments.Select(s => s.Chunk).MaxBy(c => c.Seq)!;
            end = last.EndedAt;
            if (chunksBySeq.ContainsKey(last.Seq + 1))
            {
                return ClosingDecision.Close;
            }
        }
        else
        {
            end = dialogue.EndedAt;
            var seq = dialogue.Segments.Max(s => s.Chunk.Seq);
            while (chunksBySeq.TryGetValue(seq, out var chunk))
            {
                if (chunk.EndedAt - dialogue.EndedAt > gap)
                {
                    return ClosingDecision.Close;
                }

                seq++;
            }
        }

        var deadline = end + gap + grace;
        return now > deadline ? ClosingDecision.Close : ClosingDecision.WaitUntil(deadline - now);
    }
}

internal sealed record ClosingDecision(bool Closable, TimeSpan RecheckAfter)
{
    public static ClosingDecision Close { get; } = new(true, TimeSpan.Zero);

    public static ClosingDecision WaitUntil(TimeSpan delay) => new(false, delay);
}
