using System.Globalization;
using System.Security.Cryptography;
using Iot.Cloud.Bridge.Ingest;
using Iot.Cloud.Bridge.Interop;
using Iot.Protocol.Messages;
using Microsoft.Extensions.Options;

namespace Iot.Cloud.Bridge.Storage;

/// <summary>
/// Writes audio under <c>recordings/YYYY-MM-DD/{device}/{name}.opus</c> (UTC date of the chunk's start) atomically:
/// temp file, fsync, rename, then (per batch, see <see cref="SyncDirectories"/>) fsync of the directory.
/// Existing files are never overwritten. Temp files carry the bridge's instance id, so a restarted bridge knows
/// which leftovers of a crash are its own (see <see cref="TempFileSweeper"/>).
/// </summary>
public sealed class RecordingStore(IOptions<StorageOptions> options, IOptions<BridgeOptions> bridge)
{
    public const string TempSuffix = ".tmp";
    private readonly string _root = Path.GetFullPath(options.Value.Root);
    private readonly string _instance = bridge.Value.InstanceId;

    public string Root => _root;

    /// <summary>Where the chunks live; only this tree holds temp files.</summary>
    public string RecordingsRoot => Path.Combine(_root, "recordings");

    /// <summary>True for a temp file that this bridge instance (in an earlier, crashed run) left behind.</summary>
    public bool IsOwnTempFile(string path) => Path.GetFileName(path).EndsWith("." + _instance + TempSuffix, StringComparison.Ordinal);

    /// <summary>
    /// Relative path for a chunk. With a queue-system visit the name starts with the transaction id, so all audio of a
    /// visit is found by date + transaction id; the chunk id keeps the several chunks of a long visit apart.
    /// </summary>
    public static string RelativePath(ChunkMetadata m)
    {
        var date = m.StartedAtUtc.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var name = m.TransactionId is null ? m.ChunkId.ToString("n") : m.TransactionId + "_" + m.ChunkId.ToString("n");
        return Path.Combine("recordings", date, m.DeviceId, name + ".opus");
    }

    public string FullPath(string relativePath) => Path.Combine(_root, relativePath);

    public async Task<StoreResult> WriteAsync(ChunkMetadata metadata, byte[] audio, CancellationToken cancellationToken)
    {
        var full = FullPath(RelativePath(metadata));
        if (File.Exists(full))
        {
            return await SameContentAsync(full, metadata.Sha256, cancellationToken).ConfigureAwait(false) ? StoreResult.AlreadyPresent : StoreResult.Conflict;
        }

        var directory = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(directory);
        var temp = full + "." + Guid.NewGuid().ToString("n") + "." + _instance + TempSuffix;
        try
        {
            await using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, useAsync: false))
            {
                await stream.WriteAsync(audio, cancellationToken).ConfigureAwait(false);
                stream.Flush(flushToDisk: true);
            }

            try
            {
                File.Move(temp, full, overwrite: false);
            }
            catch (IOException) when (File.Exists(full))
            {
                // Another bridge stored the same chunk a moment ago.
                return await SameContentAsync(full, metadata.Sha256, cancellationToken).ConfigureAwait(false) ? StoreResult.AlreadyPresent : StoreResult.Conflict;
            }

            return StoreResult.Written;
        }
        finally
        {
            File.Delete(temp);
        }
    }

    /// <summary>
    /// Makes the renames of a batch durable: one fsync per directory instead of one per file, which is what lets a
    /// batch of small chunks cost little more than one. Must run before the rows are committed and acked.
    /// </summary>
    public void SyncDirectories(IEnumerable<ChunkMetadata> written)
    {
        foreach (var directory in written.Select(m => Path.GetDirectoryName(FullPath(RelativePath(m)))!).Distinct())
        {
            Libc.FsyncDirectory(directory);
        }
    }

    private static async Task<bool> SameContentAsync(string path, string sha256, CancellationToken cancellationToken)
    {
        await using var stream = File.OpenRead(path);
        var hash = await SHA256.HashDataAsync(stream, cancellationToken).ConfigureAwait(false);
        return Convert.ToHexStringLower(hash) == sha256;
    }
}
