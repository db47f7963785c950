using Dapper;
using Npgsql;

namespace Iot.Cloud.Pipeline.Retention;

/// <summary>
/// The lock a bridge's row commit and the orphan sweep's delete share, per chunk id, so the two never interleave on
/// one object. Without it a late resend of a chunk whose first copy became an orphan races the sweep: the bridge sees
/// the old object (same hash, so it keeps it), the sweep sees no row and deletes it, and the bridge then commits a
/// row, and acks, for audio that is gone. Holding this lock, the sweep re-reads the row before it deletes, and the
/// bridge re-stores the object before it inserts; whichever comes second sees what the first did.
/// </summary>
/// <remarks>
/// A transaction-level advisory lock: released by commit, rollback or a dropped connection (a killed process holds
/// nothing). The key is (a fixed class, the chunk id folded to 32 bits); two ids sharing a key only wait for each
/// other. Ids are locked in sorted order, so two bridges' batches cannot deadlock on each other.
/// </remarks>
public static class AudioKeyLock
{
    /// <summary>First int of the two-int advisory lock key: "aud0", kept apart from any other advisory lock.</summary>
    public const int LockClass = 0x61756430;

    public static async Task LockAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IEnumerable<Guid> chunkIds, CancellationToken cancellationToken)
    {
        var keys = chunkIds.Select(KeyOf).Distinct().Order().ToArray();
        if (keys.Length == 0)
        {
            return;
        }

        await connection.ExecuteAsync(new CommandDefinition(
            // unnest yields the sorted array in order, so the locks are taken in that order.
            "SELECT pg_advisory_xact_lock(@lockClass, k) FROM unnest(@keys) AS k",
            new { lockClass = LockClass, keys },
            transaction,
            cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    /// <remarks>
    /// All 16 bytes folded into one int: chunk ids are UUIDv7, whose first 4 bytes are the same for every chunk of a
    /// ~65 s window, so a key from those alone would make a minute's chunks wait for each other.
    /// </remarks>
    public static int KeyOf(Guid chunkId)
    {
        Span<byte> bytes = stackalloc byte[16];
        chunkId.TryWriteBytes(bytes);
        var ints = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, int>(bytes);
        return ints[0] ^ ints[1] ^ ints[2] ^ ints[3];
    }
}
