using System.Globalization;
using System.Security.Cryptography;
using Iot.Cloud.Storage;
using Iot.TestSupport;

namespace Iot.Faults.Tests.Harness;

/// <summary>
/// The promise under test, checked from the outside: every chunk the agents recorded (sequences 1..N per device) is
/// in PostgreSQL exactly once, and every stored audio file matches its row's SHA-256, with no stray files.
/// </summary>
public sealed record Ledger(
    long Recorded,
    long Stored,
    long Duplicates,
    long Lost,
    long Unexpected,
    long BadFiles,
    long StrayFiles,
    IReadOnlyList<string> Problems)
{
    public bool Complete => Lost == 0 && Duplicates == 0 && Unexpected == 0 && BadFiles == 0 && StrayFiles == 0;

    /// <summary>Compares the database and the storage folder with what each device recorded (its last sequence).</summary>
    public static async Task<Ledger> ReadAsync(string connectionString, string storageRoot, IReadOnlyDictionary<string, long> recordedPerDevice)
    {
        var rows = await new ChunkTable(connectionString).AllAsync();
        var problems = new List<string>();
        var (lost, duplicates, unexpected) = CheckRows(rows, recordedPerDevice, problems);
        long badFiles = 0;
        var expectedFiles = new HashSet<string>(StringComparer.Ordinal);
        foreach (var row in rows.Where(r => r.StoragePath is not null))
        {
            var path = Path.GetFullPath(Path.Combine(storageRoot, row.StoragePath!));
            expectedFiles.Add(path);
            if (!File.Exists(path))
            {
                badFiles++;
                problems.Add($"audio of {row.DeviceId}#{row.Sequence} missing at {row.StoragePath}");
                continue;
            }

            var sha = Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(path)));
            if (!string.Equals(sha, row.Sha256, StringComparison.OrdinalIgnoreCase))
            {
                badFiles++;
                problems.Add($"audio of {row.DeviceId}#{row.Sequence} has SHA-256 {sha[..12]}…, row says {row.Sha256[..Math.Min(12, row.Sha256.Length)]}…");
            }
        }

        var recordings = Path.Combine(storageRoot, "recordings");
        var stray = Directory.Exists(recordings)
            ? Directory.GetFiles(recordings, "*", SearchOption.AllDirectories).Where(f => !expectedFiles.Contains(Path.GetFullPath(f))).ToList()
            : [];
        if (stray.Count > 0)
        {
            problems.Add($"{stray.Count} file(s) in storage without a row, e.g. {Path.GetRelativePath(storageRoot, stray[0])}");
        }

        return new Ledger(recordedPerDevice.Values.Sum(), rows.Count, duplicates, lost, unexpected, badFiles, stray.Count, problems);
    }

    /// <summary>As the folder check, for audio in an audio store (a bucket): each row's object by its SHA-256, no object without a row.</summary>
    public static async Task<Ledger> ReadAsync(string connectionString, IAudioStore store, IReadOnlyDictionary<string, long> recordedPerDevice)
    {
        var rows = await new ChunkTable(connectionString).AllAsync();
        var problems = new List<string>();
        var (lost, duplicates, unexpected) = CheckRows(rows, recordedPerDevice, problems);
        long badFiles = 0;
        var expected = new HashSet<string>(StringComparer.Ordinal);
        foreach (var row in rows.Where(r => r.StoragePath is not null))
        {
            expected.Add(row.StoragePath!);
            var read = await store.OpenReadAsync(row.StoragePath!, null, CancellationToken.None);
            if (read is null)
            {
                badFiles++;
                problems.Add($"audio of {row.DeviceId}#{row.Sequence} missing at {row.StoragePath} in {store.Location}");
                continue;
            }

            string sha;
            await using (read)
            {
                sha = Convert.ToHexStringLower(await SHA256.HashDataAsync(read));
            }

            if (!string.Equals(sha, row.Sha256, StringComparison.OrdinalIgnoreCase))
            {
                badFiles++;
                problems.Add($"audio of {row.DeviceId}#{row.Sequence} has SHA-256 {sha[..12]}…, row says {row.Sha256[..Math.Min(12, row.Sha256.Length)]}…");
            }
        }

        var stray = new List<string>();
        await foreach (var o in store.ListAsync("recordings/", CancellationToken.None))
        {
            if (!expected.Contains(o.Key))
            {
                stray.Add(o.Key);
            }
        }

        if (stray.Count > 0)
        {
            problems.Add($"{stray.Count} object(s) in {store.Location} without a row, e.g. {stray[0]}");
        }

        return new Ledger(recordedPerDevice.Values.Sum(), rows.Count, duplicates, lost, unexpected, badFiles, stray.Count, problems);
    }

    private static (long Lost, long Duplicates, long Unexpected) CheckRows(IReadOnlyList<StoredChunk> rows, IReadOnlyDictionary<string, long> recordedPerDevice, List<string> problems)
    {
        long lost = 0, duplicates = 0, unexpected = 0;
        foreach (var (device, recorded) in recordedPerDevice)
        {
            var bySequence = rows.Where(r => r.DeviceId == device).GroupBy(r => r.Sequence).ToDictionary(g => g.Key, g => g.Count());
            var missing = Enumerable.Range(1, (int)recorded).Where(s => !bySequence.ContainsKey(s)).ToList();
            lost += missing.Count;
            if (missing.Count > 0)
            {
                problems.Add($"{device}: missing sequences {Ranges(missing)} of 1..{recorded}");
            }

            duplicates += bySequence.Values.Sum(n => n - 1);
            var beyond = bySequence.Keys.Where(s => s < 1 || s > recorded).ToList();
            unexpected += beyond.Count;
            if (beyond.Count > 0)
            {
                problems.Add($"{device}: rows for sequences the agent never recorded: {string.Join(',', beyond.Take(10))}");
            }
        }

        foreach (var other in rows.Where(r => !recordedPerDevice.ContainsKey(r.DeviceId)).GroupBy(r => r.DeviceId))
        {
            unexpected += other.Count();
            problems.Add($"rows from unknown device {other.Key}");
        }

        var duplicateIds = rows.Count - rows.Select(r => r.ChunkId).Distinct().Count();
        duplicates += duplicateIds;
        if (duplicates > 0)
        {
            problems.Add($"{duplicates} duplicate row(s) ({duplicateIds} by chunk id)");
        }

        return (lost, duplicates, unexpected);
    }

    /// <summary>The one line a fault test prints: <c>fault=… rounds=… recorded=… stored=… duplicates=… lost=… drain=…s</c>, plus extras.</summary>
    public string Line(string fault, int rounds, TimeSpan drain, string? extra = null) =>
        string.Create(CultureInfo.InvariantCulture, $"fault={fault} rounds={rounds} recorded={Recorded} stored={Stored} duplicates={Duplicates} lost={Lost} drain={drain.TotalSeconds:0.0}s")
        + (BadFiles + StrayFiles + Unexpected > 0 ? $" badfiles={BadFiles} strayfiles={StrayFiles} unexpected={Unexpected}" : "")
        + (string.IsNullOrEmpty(extra) ? "" : " " + extra);

    /// <summary>Fails with every problem found when the promise is broken.</summary>
    public void AssertExactlyOnce()
    {
        Assert.True(Recorded > 0, "no chunk was recorded at all; the test proved nothing");
        Assert.True(Complete, "not exactly once: " + string.Join("; ", Problems));
    }

    private static string Ranges(List<int> values)
    {
        var parts = new List<string>();
        for (var i = 0; i < values.Count;)
        {
            var j = i;
            while (j + 1 < values.Count && values[j + 1] == values[j] + 1)
            {
                j++;
            }

            parts.Add(i == j ? values[i].ToString(CultureInfo.InvariantCulture) : $"{values[i]}-{values[j]}");
            i = j + 1;
        }

        return string.Join(',', parts.Take(20));
    }
}
