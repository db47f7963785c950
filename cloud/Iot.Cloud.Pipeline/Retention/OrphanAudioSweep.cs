using System.Globalization;
using Dapper;
using Iot.Cloud.Storage;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Iot.Cloud.Pipeline.Retention;

/// <summary>
/// The orphan half of the daily retention job. A bridge stores a chunk's audio before it commits the row, so a crash
/// (kill -9, power cut, lost database) between the two leaves audio no row points to; the device never got an ack
/// and resends, so nothing is lost, but the object stays. This deletes audio under
/// <c>recordings/{day}/</c> of the last <see cref="RetentionOptions.OrphanSweepDays"/> UTC days that (1) has the exact
/// key shape a bridge writes, (2) is older than <see cref="RetentionOptions.OrphanGraceMinutes"/> (a batch between
/// its PUT and its commit is not an orphan), and (3) has no chunk row naming it (a row without audio, purged by
/// retention and then resent, names none). Keys of any other shape are never touched. Each delete is decided again
/// under the chunk's <see cref="AudioKeyLock"/>, which a bridge committing that chunk holds too.
/// </summary>
/// <remarks>
/// Rows are looked up by (chunk id, day), the partitioned primary key, one batch per listing page. The days swept
/// are those of the chunks' start: a device offline for longer than the window resends into an older day, where an
/// orphan would stay until an operator widens the window.
/// </remarks>
public sealed partial class OrphanAudioSweep(NpgsqlDataSource dataSource, IAudioStore store, RetentionOptions options, TimeProvider time, ILogger logger)
{
    private const int BatchSize = 500;

    public async Task<OrphanSweepReport> RunAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var olderThan = now - TimeSpan.FromMinutes(options.OrphanGraceMinutes);
        int scanned = 0, deleted = 0;
        long bytes = 0;
        for (var back = 0; back < options.OrphanSweepDays; back++)
        {
            var day = today.AddDays(-back);
            var batch = new List<(AudioObject Object, Guid ChunkId)>(BatchSize);
            await foreach (var o in store.ListAsync($"recordings/{day:yyyy-MM-dd}/", cancellationToken).ConfigureAwait(false))
            {
                scanned++;
                if (o.LastModifiedUtc < olderThan && ChunkIdOf(o.Key, day) is { } chunkId)
                {
                    batch.Add((o, chunkId));
                }

                if (batch.Count == BatchSize)
                {
                    (deleted, bytes) = Add((deleted, bytes), await SweepAsync(day, batch, olderThan, cancellationToken).ConfigureAwait(false));
                    batch.Clear();
                }
            }

            (deleted, bytes) = Add((deleted, bytes), await SweepAsync(day, batch, olderThan, cancellationToken).ConfigureAwait(false));
        }

        var report = new OrphanSweepReport(options.OrphanSweepDays, scanned, deleted, bytes);
        LogSwept(store.Location, report.Days, report.Scanned, report.Deleted, report.BytesFreed);
        return report;
    }

    /// <summary>The chunk id in a key a bridge writes for <paramref name="day"/>: <c>recordings/{day}/{device}/[{tx}_]{32 hex}.opus</c>.</summary>
    public static Guid? ChunkIdOf(string key, DateOnly day)
    {
        var parts = key.Split('/');
        if (parts.Length != 4 || parts[0] != "recordings" || parts[1] != day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)
            || parts[2].Length == 0 || !parts[3].EndsWith(".opus", StringComparison.Ordinal))
        {
            return null;
        }

        var name = parts[3][..^".opus".Length];
        if (name.Length < 32 || (name.Length > 32 && name[^33] != '_'))
        {
            return null;
        }

        return Guid.TryParseExact(name[^32..], "n", out var id) ? id : null;
    }

    private async Task<(int Deleted, long Bytes)> SweepAsync(DateOnly day, List<(AudioObject Object, Guid ChunkId)> batch, DateTimeOffset olderThan, CancellationToken cancellationToken)
    {
        if (batch.Count == 0)
        {
            return (0, 0);
        }

        var from = day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        HashSet<string> referenced;
        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
        {
            referenced = (await connection.QueryAsync<string>(new CommandDefinition(
                """
                SELECT storage_path FROM chunks
                WHERE chunk_id = ANY(@ids) AND started_at >= @from AND started_at < @to AND storage_path IS NOT NULL
                """,
                new { ids = batch.Select(b => b.ChunkId).Distinct().ToArray(), from, to = from.AddDays(1) },
                cancellationToken: cancellationToken)).ConfigureAwait(false)).ToHashSet(StringComparer.Ordinal);
        }

        int deleted = 0;
        long bytes = 0;
        foreach (var (o, chunkId) in batch.Where(b => !referenced.Contains(b.Object.Key)))
        {
            if (await DeleteIfStillOrphanAsync(o, chunkId, from, olderThan, cancellationToken).ConfigureAwait(false) is { } gone)
            {
                deleted++;
                bytes += gone.Length;
                LogOrphan(o.Key, gone.Length, o.LastModifiedUtc);
            }
        }

        return (deleted, bytes);
    }

    /// <summary>
    /// Deletes one candidate holding the chunk's <see cref="AudioKeyLock"/>, after reading again, under the lock, that
    /// no row names it and that nobody stored it anew since it was listed: a bridge committing a resend of this chunk
    /// either finished first (the row is seen, nothing deleted) or waits and then stores the object again itself.
    /// </summary>
    private async Task<AudioObject?> DeleteIfStillOrphanAsync(AudioObject listed, Guid chunkId, DateTime day, DateTimeOffset olderThan, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await AudioKeyLock.LockAsync(connection, transaction, [chunkId], cancellationToken).ConfigureAwait(false);
        var named = await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            """
            SELECT EXISTS (SELECT 1 FROM chunks
                           WHERE chunk_id = @chunkId AND started_at >= @from AND started_at < @to AND storage_path = @key)
            """,
            new { chunkId, from = day, to = day.AddDays(1), key = listed.Key },
            transaction,
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        if (named || await store.GetAsync(listed.Key, cancellationToken).ConfigureAwait(false) is not { } current || current.LastModifiedUtc >= olderThan)
        {
            return null;
        }

        var gone = await store.DeleteAsync(listed.Key, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return gone;
    }

    private static (int, long) Add((int Deleted, long Bytes) a, (int Deleted, long Bytes) b) => (a.Deleted + b.Deleted, a.Bytes + b.Bytes);

    [LoggerMessage(Level = LogLevel.Warning, Message = "retention: deleted orphan audio {Key} ({Bytes} bytes, stored {StoredAt:o}) that no chunk row names")]
    private partial void LogOrphan(string key, long bytes, DateTimeOffset storedAt);

    [LoggerMessage(Level = LogLevel.Information, Message = "retention: orphan sweep of {Location}, last {Days} day(s): {Scanned} object(s) seen, {Deleted} orphan(s) deleted, {Bytes} bytes freed")]
    private partial void LogSwept(string location, int days, int scanned, int deleted, long bytes);
}

public sealed record OrphanSweepReport(int Days, int Scanned, int Deleted, long BytesFreed);
