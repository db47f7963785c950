using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using Iot.Cloud.Storage.Interop;

namespace Iot.Cloud.Storage.Local;

/// <summary>
/// Audio as files under <see cref="Root"/>, written atomically: temp file, fsync, rename (never over an existing
/// file), then per batch (<see cref="MakeDurable"/>) an fsync of each directory. Temp files carry
/// <paramref name="tempFileTag"/> (the bridge's instance id), so a restarted writer knows which leftovers of a crash
/// are its own.
/// </summary>
public sealed class LocalAudioStore(string root, string tempFileTag) : IAudioStore
{
    public const string TempSuffix = ".tmp";

    public string Root { get; } = Path.GetFullPath(root);

    public string Location => "local " + Root;

    /// <summary>True for a temp file this writer (in an earlier, crashed run) left behind.</summary>
    public bool IsOwnTempFile(string path) => Path.GetFileName(path).EndsWith("." + tempFileTag + TempSuffix, StringComparison.Ordinal);

    /// <summary>The file behind <paramref name="key"/>; the key cannot leave <see cref="Root"/>.</summary>
    public string PathOf(string key) => Path.Combine(Root, AudioKeys.Require(key).Replace('/', Path.DirectorySeparatorChar));

    public Task<PutOutcome> PutAsync(string key, ReadOnlyMemory<byte> content, string sha256, CancellationToken cancellationToken) =>
        PutAsync(key, async (stream, ct) => await stream.WriteAsync(content, ct).ConfigureAwait(false), sha256, cancellationToken);

    public Task<PutOutcome> PutAsync(string key, Stream content, string sha256, CancellationToken cancellationToken) =>
        PutAsync(key, (stream, ct) => new ValueTask(content.CopyToAsync(stream, ct)), sha256, cancellationToken);

    private async Task<PutOutcome> PutAsync(string key, Func<FileStream, CancellationToken, ValueTask> write, string sha256, CancellationToken cancellationToken)
    {
        var full = PathOf(key);
        if (File.Exists(full))
        {
            return await SameContentAsync(full, sha256, cancellationToken).ConfigureAwait(false) ? PutOutcome.AlreadyPresent : PutOutcome.Conflict;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var temp = full + "." + Guid.NewGuid().ToString("n") + "." + tempFileTag + TempSuffix;
        try
        {
            await using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, useAsync: false))
            {
                await write(stream, cancellationToken).ConfigureAwait(false);
                stream.Flush(flushToDisk: true);
            }

            try
            {
                File.Move(temp, full, overwrite: false);
            }
            catch (IOException) when (File.Exists(full))
            {
                // Another writer stored the same key a moment ago.
                return await SameContentAsync(full, sha256, cancellationToken).ConfigureAwait(false) ? PutOutcome.AlreadyPresent : PutOutcome.Conflict;
            }

            return PutOutcome.Written;
        }
        finally
        {
            File.Delete(temp);
        }
    }

    /// <summary>One fsync per directory instead of one per file: what lets a batch of small chunks cost little more than one.</summary>
    public void MakeDurable(IEnumerable<string> keys)
    {
        foreach (var directory in keys.Select(k => Path.GetDirectoryName(PathOf(k))!).Distinct(StringComparer.Ordinal))
        {
            Libc.FsyncDirectory(directory);
        }
    }

    public Task<AudioObject?> GetAsync(string key, CancellationToken cancellationToken)
    {
        var file = new FileInfo(PathOf(key));
        return Task.FromResult(file.Exists ? new AudioObject(key, file.Length, file.LastWriteTimeUtc) : null);
    }

    public Task<Stream?> OpenReadAsync(string key, ByteRange? range, CancellationToken cancellationToken)
    {
        range?.Validate();
        FileStream file;
        try
        {
            file = new FileStream(PathOf(key), FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 1 << 16, useAsync: true);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return Task.FromResult<Stream?>(null);
        }

        if (range is not { } r)
        {
            return Task.FromResult<Stream?>(file);
        }

        file.Position = Math.Min(r.Offset, file.Length);
        var length = Math.Min(r.Length ?? long.MaxValue, file.Length - file.Position);
        return Task.FromResult<Stream?>(new BoundedReadStream(file, length));
    }

    public Task<AudioObject?> DeleteAsync(string key, CancellationToken cancellationToken)
    {
        var file = new FileInfo(PathOf(key));
        if (!file.Exists)
        {
            return Task.FromResult<AudioObject?>(null);
        }

        var deleted = new AudioObject(key, file.Length, file.LastWriteTimeUtc);
        try
        {
            file.Delete();
        }
        catch (DirectoryNotFoundException)
        {
            return Task.FromResult<AudioObject?>(null);
        }

        return Task.FromResult<AudioObject?>(deleted);
    }

    public async IAsyncEnumerable<AudioObject> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        AudioKeys.RequirePrefix(prefix);
        // Walk only the deepest directory the prefix names; the rest of the prefix filters file names below it.
        var slash = prefix.LastIndexOf('/');
        var start = slash < 0 ? Root : Path.Combine(Root, prefix[..slash].Replace('/', Path.DirectorySeparatorChar));
        if (!Directory.Exists(start))
        {
            yield break;
        }

        foreach (var path in Directory.EnumerateFiles(start, "*", SearchOption.AllDirectories))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (path.EndsWith(TempSuffix, StringComparison.Ordinal))
            {
                continue;
            }

            var key = Path.GetRelativePath(Root, path).Replace(Path.DirectorySeparatorChar, '/');
            if (!key.StartsWith(prefix, StringComparison.Ordinal))
            {
                continue;
            }

            var file = new FileInfo(path);
            if (file.Exists)
            {
                yield return new AudioObject(key, file.Length, file.LastWriteTimeUtc);
            }
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }

    public async Task ProbeAsync(CancellationToken cancellationToken)
    {
        if (!Directory.Exists(Root))
        {
            throw new AudioStoreUnavailableException($"'{Root}' does not exist (volume not mounted?)");
        }

        // A unique name: several processes (bridge, worker, dashboard) may probe the same directory at once.
        var probe = Path.Combine(Root, $".health-probe-{Environment.ProcessId}-{Guid.NewGuid():N}");
        try
        {
            await using (var stream = new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1, useAsync: true))
            {
                await stream.WriteAsync(new byte[] { 1 }, cancellationToken).ConfigureAwait(false);
                await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
            }

            File.Delete(probe);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new AudioStoreUnavailableException($"'{Root}' is not writable: {ex.Message}", ex);
        }
    }

    public Task ProbeReadAsync(CancellationToken cancellationToken)
    {
        try
        {
            // Listing the top level proves the directory is there (mounted) and this process may read it.
            _ = Directory.EnumerateFileSystemEntries(Root).Take(1).Count();
            return Task.CompletedTask;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new AudioStoreUnavailableException($"'{Root}' cannot be read: {ex.Message}", ex);
        }
    }

    private static async Task<bool> SameContentAsync(string path, string sha256, CancellationToken cancellationToken)
    {
        await using var stream = File.OpenRead(path);
        var hash = await SHA256.HashDataAsync(stream, cancellationToken).ConfigureAwait(false);
        return string.Equals(Convert.ToHexStringLower(hash), sha256, StringComparison.OrdinalIgnoreCase);
    }
}
