
namespace Iot.TestSupport;

/// <summary>
/// A real, tiny tmpfs (needs root, as CI and tests/test.sh run) that can be filled up to a few bytes and grown
/// again while programs write into it: the disk is really full, no write is faked.
/// </summary>
public sealed class TmpfsMount : IAsyncDisposable
{
    private const string FillerName = "filler.bin";

    private TmpfsMount(string path) => Path = path;

    public string Path { get; }

    public long FreeBytes => new DriveInfo(Path).AvailableFreeSpace;

    public static async Task<TmpfsMount> MountAsync(string path, string size)
    {
        Directory.CreateDirectory(path);
        var result = await ExternalTool.RunAsync("mount", ["-t", "tmpfs", "-o", $"size={size}", "tmpfs", path]);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"mount -t tmpfs on {path} failed ({result.ExitCode}): {result.StdErr} — the disk-full tests need root");
        }

        return new TmpfsMount(path);
    }

    /// <summary>Takes all free space but <paramref name="leaveBytes"/> with a file no program under test knows.</summary>
    public async Task FillLeavingAsync(long leaveBytes)
    {
        var toWrite = FreeBytes - leaveBytes;
        var block = new byte[64 * 1024];
        await using var filler = new FileStream(System.IO.Path.Combine(Path, FillerName), FileMode.Append, FileAccess.Write);
        while (toWrite > 0)
        {
            var n = (int)Math.Min(block.Length, toWrite);
            await filler.WriteAsync(block.AsMemory(0, n));
            toWrite -= n;
        }
    }

    public void RemoveFiller() => File.Delete(System.IO.Path.Combine(Path, FillerName));

    /// <summary><c>mount -o remount,size=…</c>: the disk grows under the running programs.</summary>
    public Task ResizeAsync(string size) => ExternalTool.RunCheckedAsync("mount", ["-o", $"remount,size={size}", Path]);

    /// <summary>Files a crash-safe writer may leave behind when a write fails: temp and partial files.</summary>
    public IReadOnlyList<string> Leftovers(params string[] suffixes) =>
        Directory.GetFiles(Path, "*", SearchOption.AllDirectories).Where(f => suffixes.Any(s => f.EndsWith(s, StringComparison.Ordinal))).ToList();

    public async ValueTask DisposeAsync()
    {
        if ((await ExternalTool.RunAsync("umount", [Path])).ExitCode != 0)
        {
            await ExternalTool.RunAsync("umount", ["-l", Path]);
        }
    }
}
