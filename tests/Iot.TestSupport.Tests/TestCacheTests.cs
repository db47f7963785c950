using System.Diagnostics;

namespace Iot.TestSupport.Tests;

/// <summary>
/// The cache shared by parallel test processes (issue 14: two dashboard fixtures encoded into one fixed temp name,
/// one lost its file and the other published a half-written Ogg that later runs trusted). Each test gives its child
/// processes a cache root of their own, so poisoning an entry here never touches the cache other tests use.
/// </summary>
public sealed class TestCacheTests : IDisposable
{
    private readonly TempDirectory _root = new("iot-cache-test");

    public void Dispose() => _root.Dispose();

    [Fact]
    public async Task Six_processes_filling_one_entry_at_once_make_it_once_and_all_read_the_whole_file()
    {
        var makers = _root.Sub("makers.log");

        var results = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => FillAsync("slow", makers)));

        Assert.All(results, r => Assert.True(r.ExitCode == 0, r.StdOut + r.StdErr));
        var entries = results.Select(r => r.StdOut.Trim()).Distinct().ToList();
        Assert.Single(entries);
        var path = entries[0].Split(' ')[0];
        Assert.True(SlowEntry.IsWhole(await File.ReadAllBytesAsync(path)));
        Assert.Single(await File.ReadAllLinesAsync(makers));
        Assert.Empty(Directory.GetFiles(_root.Path, "*.tmp", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task Four_processes_encoding_the_dashboard_recording_at_once_all_get_the_full_eight_seconds()
    {
        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => FillAsync("opus")));

        Assert.All(results, r => Assert.True(r.ExitCode == 0, r.StdOut + r.StdErr));
        Assert.Single(results.Select(r => r.StdOut.Trim()).Distinct());
        var path = results[0].StdOut.Split(' ')[0];
        Assert.InRange(await SpeechAudio.OggDurationAsync(path), 7.95, 8.05);
        Assert.Empty(Directory.GetFiles(_root.Path, "*.tmp", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task A_cut_off_recording_in_the_cache_is_rebuilt_even_when_its_hash_stamp_matches()
    {
        var first = await FillAsync("opus");
        Assert.True(first.ExitCode == 0, first.StdOut + first.StdErr);
        var path = Entry(first).Path;
        // What the race of issue 14 left behind: a quarter of the Ogg under the final name, vouched for by a stamp.
        var whole = await File.ReadAllBytesAsync(path);
        var cut = whole[..(whole.Length / 4)];
        await File.WriteAllBytesAsync(path, cut);
        var cutHash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(cut));
        await File.WriteAllTextAsync(TestCache.StampOf(path), cutHash);
        Assert.InRange(await SpeechAudio.OggDurationAsync(path), 0, 4);

        var again = await FillAsync("opus");

        Assert.True(again.ExitCode == 0, again.StdOut + again.StdErr);
        // opusenc picks a random Ogg serial number, so a rebuilt file differs from the first; what matters is its length.
        Assert.NotEqual(cutHash, Entry(again).Hash);
        Assert.InRange(await SpeechAudio.OggDurationAsync(path), 7.95, 8.05);
    }

    [Fact]
    public async Task An_entry_whose_content_no_longer_matches_its_stamp_is_made_again()
    {
        var makers = _root.Sub("makers.log");
        var first = await FillAsync("slow", makers);
        var (path, hash) = Entry(first);
        var bytes = await File.ReadAllBytesAsync(path);
        bytes[^1] ^= 0xFF;
        await File.WriteAllBytesAsync(path, bytes);

        var again = await FillAsync("slow", makers);

        Assert.Equal(hash, Entry(again).Hash);
        Assert.Equal(2, (await File.ReadAllLinesAsync(makers)).Length);
    }

    [Fact]
    public async Task A_maker_that_fails_publishes_nothing_and_the_next_caller_makes_the_entry()
    {
        var name = Path.Combine("regression", $"failing-{Guid.NewGuid():n}.bin");
        var target = Path.Combine(TestCache.Root, name);
        try
        {
            await Assert.ThrowsAsync<IOException>(() => TestCache.FileAsync(name, async (temp, ct) =>
            {
                await File.WriteAllTextAsync(temp, "half", ct);
                throw new IOException("disk full");
            }));
            Assert.False(File.Exists(target));
            Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(target)!, Path.GetFileName(target) + ".*.tmp"));

            var made = await TestCache.FileAsync(name, (temp, ct) => File.WriteAllTextAsync(temp, "whole", ct));

            Assert.Equal("whole", await File.ReadAllTextAsync(made));
        }
        finally
        {
            File.Delete(target);
            File.Delete(TestCache.StampOf(target));
        }
    }

    [Fact]
    public async Task An_entry_name_that_leaves_the_cache_root_is_refused()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => TestCache.FileAsync("../outside.bin", (temp, ct) => File.WriteAllTextAsync(temp, "x", ct)));
    }

    private static (string Path, string Hash) Entry(ToolResult result)
    {
        var parts = result.StdOut.Trim().Split(' ');
        return (parts[0], parts[1]);
    }

    private async Task<ToolResult> FillAsync(params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Iot.TestSupport.Tests.dll"));
        psi.ArgumentList.Add("fill");
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        psi.Environment["IOT_TEST_CACHE"] = _root.Sub("cache");
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(timeout.Token);
        return new ToolResult(process.ExitCode, await stdout, await stderr);
    }
}
