using System.Security.Cryptography;
using Iot.TestSupport;

namespace Iot.Integration.Tests.Infrastructure;

public static class StoreAssertions
{
    /// <summary>
    /// The promise to users: every recorded chunk is stored once, with audio that matches its hash.
    /// Returns a one-line summary for the test output.
    /// </summary>
    public static async Task<string> EveryChunkStoredExactlyOnceAsync(ChunkTable table, string storageRoot, IReadOnlyDictionary<string, long> recordedPerDevice)
    {
        var rows = await table.AllAsync();
        foreach (var (device, recorded) in recordedPerDevice)
        {
            var mine = rows.Where(r => r.DeviceId == device).ToList();
            Assert.Equal(recorded, mine.Count);
            Assert.Equal(Enumerable.Range(1, (int)recorded).Select(i => (long)i), mine.Select(r => r.Sequence));
        }

        Assert.Equal(rows.Count, rows.Select(r => r.ChunkId).Distinct().Count());
        foreach (var row in rows.Where(r => r.StoragePath is not null))
        {
            var path = Path.Combine(storageRoot, row.StoragePath!);
            Assert.True(File.Exists(path), $"audio of {row.ChunkId} missing at {path}");
            var sha = Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(path)));
            Assert.Equal(row.Sha256, sha);
        }

        var files = Directory.Exists(Path.Combine(storageRoot, "recordings"))
            ? Directory.GetFiles(Path.Combine(storageRoot, "recordings"), "*", SearchOption.AllDirectories)
            : [];
        Assert.Equal(rows.Count(r => r.StoragePath is not null), files.Length);
        return $"recorded={recordedPerDevice.Values.Sum()} stored={rows.Count} duplicates=0 lost=0 files={files.Length}";
    }
}
