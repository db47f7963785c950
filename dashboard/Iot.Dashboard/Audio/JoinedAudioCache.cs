using System.Security.Cryptography;
using System.Text;
using Iot.Cloud.Storage;
using Iot.Dashboard.Hosting;
using Microsoft.Extensions.Options;

namespace Iot.Dashboard.Audio;

/// <summary>
/// Joined multi-chunk streams are built once and then served from disk, so range requests (seeking) read a stable
/// file on the dashboard's own disk (the chunks themselves may be objects in a bucket). The name hashes the chunks'
/// keys, sizes and times in the audio store: a changed or purged chunk gives a new name. Access is
/// checked before the cache is asked (the caller resolved the files through row security). The directory is the
/// dashboard's own (0700, never the shared temp directory), and each entry lists its chunk ids beside it so deleting a
/// dialogue removes every joined stream that contains its audio (<see cref="EvictChunks"/>).
/// </summary>
public sealed class JoinedAudioCache(IOptions<DashboardOptions> options, IAudioStore store)
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    public async Task<string> GetAsync(IReadOnlyList<ChunkFile> chunks, CancellationToken ct)
    {
        var directory = Directory();
        var key = new StringBuilder();
        foreach (var c in chunks)
        {
            key.Append(c.Key).Append('|').Append(c.Length).Append('|').Append(c.LastModifiedUtc.UtcTicks).Append('|').Append(c.DurationMs).Append('\n');
        }

        var path = Path.Combine(directory, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key.ToString())))[..32] + ".opus");
        if (File.Exists(path))
        {
            return path;
        }

        // Two requests may build the same file at once; each writes its own temp file and the rename is atomic.
        // The chunk list goes first, so an entry on disk can always be found by eviction.
        await File.WriteAllLinesAsync(ChunkListOf(path), chunks.Select(c => c.ChunkId.ToString()), ct).ConfigureAwait(false);
        var temp = path + "." + Guid.NewGuid().ToString("n") + ".partial";
        try
        {
            await using (var output = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 64 * 1024))
            {
                await OggOpusJoiner.WriteAsync(chunks, store, output, ct).ConfigureAwait(false);
            }

            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            File.Delete(temp);
        }

        return path;
    }

    /// <summary>Deletes every joined stream containing any of these chunks (a deleted dialogue's audio leaves the disk).</summary>
    public int EvictChunks(IReadOnlyCollection<Guid> chunkIds)
    {
        var directory = options.Value.AudioCachePath;
        if (chunkIds.Count == 0 || !System.IO.Directory.Exists(directory))
        {
            return 0;
        }

        var wanted = chunkIds.Select(c => c.ToString()).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var evicted = 0;
        foreach (var list in System.IO.Directory.EnumerateFiles(directory, "*.chunks"))
        {
            if (File.ReadLines(list).Any(wanted.Contains))
            {
                File.Delete(Path.ChangeExtension(list, ".opus"));
                File.Delete(list);
                evicted++;
            }
        }

        return evicted;
    }

    private static string ChunkListOf(string opusPath) => Path.ChangeExtension(opusPath, ".chunks");

    private string Directory()
    {
        var directory = options.Value.AudioCachePath;
        if (OperatingSystem.IsWindows())
        {
            System.IO.Directory.CreateDirectory(directory);
            return directory;
        }

        System.IO.Directory.CreateDirectory(directory, OwnerOnly);

        // An existing directory (an older version, a hand-made one) is narrowed too.
        if ((File.GetUnixFileMode(directory) & ~OwnerOnly) != 0)
        {
            File.SetUnixFileMode(directory, OwnerOnly);
        }

        return directory;
    }
}
