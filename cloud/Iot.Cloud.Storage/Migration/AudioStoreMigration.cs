using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Iot.Cloud.Storage.Migration;

/// <summary>
/// Copies every object under a prefix from one audio store to another (<c>iotctl storage migrate</c>: a local
/// <c>Storage:Root</c> into a bucket). The source is only read. Each object is hashed as it is read and put
/// create-only with that hash, so a run that stopped anywhere is resumed by running it again: what is already there
/// with the same bytes is skipped without an upload, and different bytes under a key are reported, never overwritten.
/// A freshly written object is read back and hashed before it counts as copied.
/// </summary>
public sealed class AudioStoreMigration(IAudioStore source, IAudioStore target)
{
    public async Task<MigrationReport> RunAsync(string prefix, int parallelism, IProgress<MigrationProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(parallelism, 1);
        var objects = new List<AudioObject>();
        await foreach (var o in source.ListAsync(prefix, cancellationToken).ConfigureAwait(false))
        {
            objects.Add(o);
        }

        var total = new MigrationProgress(objects.Count, objects.Sum(o => o.Length), 0, 0);
        long done = 0, doneBytes = 0;
        int copied = 0, present = 0;
        var conflicts = new ConcurrentBag<string>();
        var failures = new ConcurrentBag<string>();
        progress?.Report(total);
        await Parallel.ForEachAsync(objects, new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellationToken }, async (o, ct) =>
        {
            switch (await CopyAsync(o.Key, ct).ConfigureAwait(false))
            {
                case Outcome.Copied:
                    Interlocked.Increment(ref copied);
                    break;
                case Outcome.AlreadyThere:
                    Interlocked.Increment(ref present);
                    break;
                case Outcome.Conflict:
                    conflicts.Add(o.Key);
                    break;
                case Outcome.Vanished:
                    break;
                default:
                    failures.Add(o.Key);
                    break;
            }

            var n = Interlocked.Increment(ref done);
            var bytes = Interlocked.Add(ref doneBytes, o.Length);
            progress?.Report(total with { Done = n, DoneBytes = bytes });
        }).ConfigureAwait(false);

        return new MigrationReport(objects.Count, copied, present, [.. conflicts.Order(StringComparer.Ordinal)], [.. failures.Order(StringComparer.Ordinal)], doneBytes);
    }

    private async Task<Outcome> CopyAsync(string key, CancellationToken cancellationToken)
    {
        var read = await source.OpenReadAsync(key, null, cancellationToken).ConfigureAwait(false);
        if (read is null)
        {
            return Outcome.Vanished;
        }

        byte[] bytes;
        await using (read.ConfigureAwait(false))
        {
            using var buffer = new MemoryStream();
            await read.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
            bytes = buffer.ToArray();
        }

        var sha256 = Hash(bytes);
        var outcome = await target.PutAsync(key, bytes, sha256, cancellationToken).ConfigureAwait(false);
        target.MakeDurable([key]);
        switch (outcome)
        {
            case PutOutcome.AlreadyPresent:
                return Outcome.AlreadyThere;
            case PutOutcome.Conflict:
                return Outcome.Conflict;
        }

        var back = await target.OpenReadAsync(key, null, cancellationToken).ConfigureAwait(false);
        if (back is null)
        {
            return Outcome.Unverified;
        }

        await using (back.ConfigureAwait(false))
        {
            return Convert.ToHexStringLower(await SHA256.HashDataAsync(back, cancellationToken).ConfigureAwait(false)) == sha256 ? Outcome.Copied : Outcome.Unverified;
        }
    }

    private static string Hash(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    private enum Outcome
    {
        Copied,
        AlreadyThere,
        Conflict,
        Vanished,
        Unverified,
    }
}

/// <summary>How far a migration is: objects and bytes, in total and done.</summary>
public sealed record MigrationProgress(long Total, long TotalBytes, long Done, long DoneBytes);

/// <summary>
/// What a migration did. <see cref="Conflicts"/>: keys the target holds with other bytes (left alone);
/// <see cref="Unverified"/>: keys whose copy did not read back with the source's hash.
/// </summary>
public sealed record MigrationReport(int Listed, int Copied, int AlreadyThere, IReadOnlyList<string> Conflicts, IReadOnlyList<string> Unverified, long Bytes)
{
    public bool Complete => Conflicts.Count == 0 && Unverified.Count == 0;
}
