using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Iot.TestSupport;

/// <summary>
/// Files the tests make once and reuse: generated speech, encoded Ogg, model fixtures. Test assemblies run as parallel
/// processes and their classes in parallel threads, and a cache outlives the run that filled it, so every entry is
/// (1) made by one writer at a time under a cross-process lock, (2) written to a name no other writer uses and
/// published by an atomic rename, and (3) trusted only when its content hash matches the one recorded after the
/// rename (plus the caller's own check): a half-written or otherwise bad file is rebuilt, never reused.
/// </summary>
/// <remarks>
/// The root is <c>IOT_TEST_CACHE</c> when set (CI points it at a fresh directory so the cold path is what runs),
/// else <c>$TMPDIR/iot-test-cache</c>.
/// </remarks>
public static class TestCache
{
    private static readonly ConcurrentDictionary<string, Lazy<Task<string>>> Verified = new(StringComparer.Ordinal);

    public static string Root { get; } = Environment.GetEnvironmentVariable("IOT_TEST_CACHE") is { Length: > 0 } configured
        ? Path.GetFullPath(configured)
        : Path.Combine(Path.GetTempPath(), "iot-test-cache");

    /// <summary>How long a writer waits for another one making the same entry (an espeak-ng + sox run, a model file).</summary>
    public static TimeSpan LockTimeout { get; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// The path of cache entry <paramref name="name"/> (a relative file path), made by <paramref name="make"/> when it
    /// is missing or fails its checks. <paramref name="make"/> writes the path it is given, which is private to it.
    /// <paramref name="validate"/> (optional) checks what a file holds, for fresh and cached entries alike.
    /// </summary>
    public static Task<string> FileAsync(
        string name,
        Func<string, CancellationToken, Task> make,
        Func<string, CancellationToken, Task<bool>>? validate = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(make);
        var target = Path.GetFullPath(Path.Combine(Root, name));
        if (!target.StartsWith(Root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new ArgumentException($"cache entry '{name}' leaves the cache root", nameof(name));
        }

        // One check per entry per process: later callers share the first one's task. A failure is not remembered.
        var entry = Verified.GetOrAdd(target, t => new Lazy<Task<string>>(() => EnsureAsync(t, make, validate, cancellationToken)));
        return AwaitOrForgetAsync(target, entry);
    }

    /// <summary>The hash file that vouches for <paramref name="entry"/>; exposed so tests can poison it.</summary>
    public static string StampOf(string entry) => entry + ".sha256";

    /// <summary>Forgets this process's verdicts, so the next call checks the files again (for cache tests).</summary>
    public static void ForgetVerified() => Verified.Clear();

    private static async Task<string> AwaitOrForgetAsync(string target, Lazy<Task<string>> entry)
    {
        try
        {
            return await entry.Value;
        }
        catch
        {
            Verified.TryRemove(new KeyValuePair<string, Lazy<Task<string>>>(target, entry));
            throw;
        }
    }

    private static async Task<string> EnsureAsync(
        string target,
        Func<string, CancellationToken, Task> make,
        Func<string, CancellationToken, Task<bool>>? validate,
        CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        if (await TrustedAsync(target, validate, cancellationToken))
        {
            return target;
        }

        await using var exclusive = await CrossProcessLock.AcquireAsync(target + ".lock", LockTimeout, cancellationToken);
        // Another process may have made it while this one waited.
        if (await TrustedAsync(target, validate, cancellationToken))
        {
            return target;
        }

        var temp = $"{target}.{Environment.ProcessId}.{Guid.NewGuid():n}.tmp";
        try
        {
            await make(temp, cancellationToken);
            if (!File.Exists(temp))
            {
                throw new InvalidOperationException($"test cache: making {target} wrote nothing");
            }

            if (validate is not null && !await validate(temp, cancellationToken))
            {
                throw new InvalidOperationException($"test cache: a freshly made {target} fails its own check");
            }

            var hash = await HashAsync(temp, cancellationToken);
            // The stamp goes first, so no reader ever pairs the new file with a stamp that vouched for the old one
            // (a reader that sees the new stamp with the old file finds a mismatch and waits for the lock).
            File.Delete(StampOf(target));
            File.Move(temp, target, overwrite: true);
            await WriteAtomicallyAsync(StampOf(target), hash, cancellationToken);
            return target;
        }
        finally
        {
            File.Delete(temp);
        }
    }

    private static async Task<bool> TrustedAsync(string target, Func<string, CancellationToken, Task<bool>>? validate, CancellationToken cancellationToken)
    {
        if (!File.Exists(target) || !File.Exists(StampOf(target)))
        {
            return false;
        }

        var recorded = (await File.ReadAllTextAsync(StampOf(target), cancellationToken)).Trim();
        if (!string.Equals(recorded, await HashAsync(target, cancellationToken), StringComparison.Ordinal))
        {
            return false;
        }

        return validate is null || await validate(target, cancellationToken);
    }

    private static async Task<string> HashAsync(string path, CancellationToken cancellationToken)
    {
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1 << 16, useAsync: true);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(file, cancellationToken));
    }

    private static async Task WriteAtomicallyAsync(string path, string content, CancellationToken cancellationToken)
    {
        var temp = $"{path}.{Environment.ProcessId}.{Guid.NewGuid():n}.tmp";
        await File.WriteAllTextAsync(temp, content, cancellationToken);
        File.Move(temp, path, overwrite: true);
    }
}
