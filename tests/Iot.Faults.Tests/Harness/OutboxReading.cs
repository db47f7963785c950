using Iot.Edge.Agent.Outbox;
using Microsoft.Extensions.Logging.Abstractions;

namespace Iot.Faults.Tests.Harness;

/// <summary>What a stopped agent's spool holds: the sequence high-water mark and the unsent backlog.</summary>
/// <param name="LastSequence">Chunks recorded since the spool was created (sequences are 1..this, gap-free).</param>
/// <param name="QuarantineReasons">Why the cloud refused each quarantined chunk, as <c>#sequence: reason</c>.</param>
public sealed record OutboxReading(long LastSequence, int Pending, int Quarantined, long Dropped, int PartialFiles, int SealedFiles, string QuarantineReasons = "")
{
    /// <summary>Opens the outbox (which runs crash recovery, as the agent's next start would). The agent must be stopped.</summary>
    public static OutboxReading Read(string spoolDirectory)
    {
        using var outbox = new ChunkOutbox(spoolDirectory, TimeProvider.System, NullLogger<ChunkOutbox>.Instance);
        var stats = outbox.GetStats();
        return new OutboxReading(
            outbox.LastSequence,
            stats.Pending,
            stats.Quarantined,
            stats.DroppedTotal,
            Directory.GetFiles(spoolDirectory, "*" + ChunkOutbox.PartialSuffix).Length,
            Directory.GetFiles(spoolDirectory, "*" + ChunkOutbox.SealedSuffix).Length,
            string.Join("; ", outbox.Quarantined().Select(e => $"#{e.Sequence}: {e.LastError}")));
    }
}
