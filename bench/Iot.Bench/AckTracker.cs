using System.Collections.Concurrent;
using System.Diagnostics;

namespace Iot.Bench;

/// <summary>
/// Chunks published and not yet acknowledged end to end, with the agent's resend rule (<c>ChunkUploader.PumpAsync</c>):
/// a chunk whose ack has not come back within the ack timeout of its last send is sent again. A lost message or a
/// lost ack then costs one timeout instead of hanging a run, and the resends are counted rather than hidden.
/// Timestamps are <see cref="Stopwatch"/> ticks, passed in so the rule can be checked without waiting.
/// </summary>
internal sealed class AckTracker(TimeSpan ackTimeout)
{
    private readonly ConcurrentDictionary<Guid, Entry> _pending = new();
    private readonly long _timeoutTicks = (long)(ackTimeout.TotalSeconds * Stopwatch.Frequency);
    private long _resends;

    public TimeSpan AckTimeout { get; } = ackTimeout;

    /// <summary>How often the agent looks for overdue acks when nothing wakes it: a quarter of the timeout, 50 ms..1 s.</summary>
    public TimeSpan CheckInterval => TimeSpan.FromMilliseconds(Math.Clamp(AckTimeout.TotalMilliseconds / 4, 50, 1000));

    public int Count => _pending.Count;

    public long Resends => Interlocked.Read(ref _resends);

    public bool IsPending(Guid id) => _pending.ContainsKey(id);

    /// <summary>First send of <paramref name="id"/>; <paramref name="owner"/> names who waits for it (device, publisher).</summary>
    public void Sent(Guid id, string owner, long now) => _pending[id] = new Entry(owner, now, now);

    /// <summary>The ack arrived: returns when the chunk was first sent, or false for an ack of nothing pending (a duplicate ack).</summary>
    public bool TryAck(Guid id, out string owner, out long firstSent)
    {
        if (_pending.TryRemove(id, out var entry))
        {
            owner = entry.Owner;
            firstSent = entry.FirstSent;
            return true;
        }

        owner = "";
        firstSent = 0;
        return false;
    }

    /// <summary>The chunks whose ack is overdue at <paramref name="now"/>; each is counted as resent from now on.</summary>
    public List<Guid> TakeOverdue(long now)
    {
        var overdue = new List<Guid>();
        foreach (var (id, entry) in _pending)
        {
            if (now - entry.LastSent >= _timeoutTicks && _pending.TryUpdate(id, entry with { LastSent = now }, entry))
            {
                overdue.Add(id);
                Interlocked.Increment(ref _resends);
            }
        }

        return overdue;
    }

    /// <summary>Forgets everything still pending (a session lost without its queue: the caller resends all of it).</summary>
    public List<Guid> Clear()
    {
        var all = _pending.Keys.ToList();
        _pending.Clear();
        return all;
    }

    /// <summary>What is still unacked, per owner, largest first: printed when a phase reaches its deadline.</summary>
    public string Describe(int owners = 10)
    {
        var byOwner = _pending.Values.GroupBy(e => e.Owner).Select(g => (Owner: g.Key, Count: g.Count())).OrderByDescending(g => g.Count).ThenBy(g => g.Owner, StringComparer.Ordinal).ToList();
        var shown = string.Join(", ", byOwner.Take(owners).Select(g => $"{g.Owner} {g.Count}"));
        return byOwner.Count > owners ? $"{shown}, … ({byOwner.Count} owners)" : shown;
    }

    private sealed record Entry(string Owner, long FirstSent, long LastSent);
}
