using System.Globalization;
using Iot.TestSupport;

namespace Iot.TestSupport.Tests;

/// <summary>
/// A child process that fills one cache entry, as a parallel test assembly would. Prints <c>path sha256</c> of the
/// entry it was handed. <c>fill slow LOG</c>: a synthetic entry written slowly in pieces (each maker appends a line to
/// LOG); <c>fill opus</c>: the dashboard tests' real 8 s Ogg Opus recording.
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        if (args is not ["fill", var kind, ..])
        {
            await Console.Error.WriteLineAsync("usage: fill slow LOG | fill opus");
            return 2;
        }

        var path = kind switch
        {
            "slow" => await SlowEntry.GetAsync(args[2]),
            "opus" => await SpeechAudio.OpusAsync(8, variant: 2),
            _ => throw new ArgumentException($"unknown entry kind '{kind}'"),
        };
        var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(await File.ReadAllBytesAsync(path)));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{path} {hash}"));
        return 0;
    }
}

/// <summary>1 MiB of a known pattern, written in 64 KiB pieces with pauses, so racing writers overlap for sure.</summary>
public static class SlowEntry
{
    public const int Length = 1 << 20;

    public static Task<string> GetAsync(string makersLog) =>
        TestCache.FileAsync(
            "regression/slow.bin",
            async (temp, ct) =>
            {
                await File.AppendAllTextAsync(makersLog, $"{Environment.ProcessId}\n", ct);
                await using var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write);
                for (var offset = 0; offset < Length; offset += 1 << 16)
                {
                    await file.WriteAsync(Pattern(offset, 1 << 16), ct);
                    await file.FlushAsync(ct);
                    await Task.Delay(10, ct);
                }
            },
            async (path, ct) => IsWhole(await File.ReadAllBytesAsync(path, ct)));

    public static bool IsWhole(byte[] content) => content.Length == Length && content.AsSpan().SequenceEqual(Pattern(0, Length));

    private static byte[] Pattern(int offset, int count) => [.. Enumerable.Range(offset, count).Select(i => (byte)(i * 31 % 251))];
}
