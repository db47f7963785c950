using System.Diagnostics;
using Npgsql;

namespace Iot.Bench.Scale;

/// <summary>
/// The two per-chunk costs that do not shrink with more bridges on one machine, measured alone: a durable file
/// (create, write, fsync, rename, as <c>RecordingStore</c> does) and a durable PostgreSQL commit.
/// </summary>
internal static class BoundProbes
{
    public static double DurableFilesPerSecond(string directory, int bytes, int threads, TimeSpan duration)
    {
        Directory.CreateDirectory(directory);
        var payload = new byte[bytes];
        Random.Shared.NextBytes(payload);
        var count = 0L;
        var clock = Stopwatch.StartNew();
        Parallel.For(0, threads, t =>
        {
            for (var i = 0; clock.Elapsed < duration; i++)
            {
                var final = Path.Combine(directory, $"{t}-{i}.opus");
                var temp = final + ".tmp";
                using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1))
                {
                    stream.Write(payload);
                    stream.Flush(flushToDisk: true);
                }

                File.Move(temp, final);
                Interlocked.Increment(ref count);
            }
        });
        var rate = count / clock.Elapsed.TotalSeconds;
        Directory.Delete(directory, recursive: true);
        return rate;
    }

    public static async Task<double> CommitsPerSecondAsync(string database, int connections, TimeSpan duration)
    {
        await using (var setup = new NpgsqlConnection(database))
        {
            await setup.OpenAsync();
            await new NpgsqlCommand("CREATE TABLE IF NOT EXISTS bench_commit_probe (id bigserial PRIMARY KEY, body bytea NOT NULL)", setup).ExecuteNonQueryAsync();
        }

        var count = 0L;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, connections).Select(async _ =>
        {
            await using var c = new NpgsqlConnection(database);
            await c.OpenAsync();
            await using var insert = new NpgsqlCommand("INSERT INTO bench_commit_probe (body) VALUES ($1)", c) { Parameters = { new NpgsqlParameter { Value = new byte[512] } } };
            while (clock.Elapsed < duration)
            {
                await insert.ExecuteNonQueryAsync();
                Interlocked.Increment(ref count);
            }
        }));
        return count / clock.Elapsed.TotalSeconds;
    }
}
