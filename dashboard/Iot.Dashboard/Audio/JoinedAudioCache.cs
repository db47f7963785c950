using System.Security.Cryptography;
using System.Text;
using Iot.Dashboard.Hosting;
using Microsoft.Extensions.Options;

namespace Iot.Dashboard.Audio;

/// <summary>
/// Joined multi-chunk streams are built once and then served from disk, so range requests (seeking) read a stable
/// file. The name hashes the chunk files' paths, sizes and times: a changed or purged chunk gives a new name. Access is
/// checked before the cache is asked (the caller resolved the files through row security).
/// </summary>
public sealed class JoinedAudioCache(IOptions<DashboardOptions> options)
{
    public async Task<string> GetAsync(IReadOnlyList<ChunkFile> chunks, CancellationToken ct)
    {
        var directory = options.Value.AudioCacheDirectory;
        Directory.CreateDirectory(directory);
        var key = new StringBuilder();
        foreach (var c in chunks)
        {
            var info = new FileInfo(c.Path);
            key.Append(c.Path).Append('|').Append(info.Length).Append('|').Append(info.LastWriteTimeUtc.Ticks).Append('|').Append(c.DurationMs).Append('\n');
        }

        var path = Path.Combine(directory, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key.ToString())))[..32] + ".opus");
        if (File.Exists(path))
        {
            return path;
        }

        // Two requests may build the same file at once; each writes its own temp file and the rename is atomic.
        var temp = path + "." + Guid.NewGuid().ToString("n") + ".partial";
        try
        {
            await using (var output = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 64 * 1024))
            {
                await OggOpusJoiner.WriteAsync(chunks, output, ct).ConfigureAwait(false);
            }

            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            File.Delete(temp);
        }

        return path;
    }
}
