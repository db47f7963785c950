using System.Diagnostics;
using System.Security.Cryptography;
using Iot.Cloud.Bridge.Ingest;
using Iot.Cloud.Bridge.Persistence;
using Iot.Cloud.Bridge.Storage;
using Iot.Cloud.Data;
using Iot.Cloud.Pipeline.Jobs;
using Iot.Cloud.Storage.Local;
using Iot.Protocol.Chunks;
using Iot.Protocol.Messages;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Iot.Bench.Bound;

/// <summary>
/// What this machine allows for durable ingest, measured with the bridge's own durable steps and batching but no
/// broker: <see cref="BridgeOptions.IngestWorkers"/> loops, each taking a full batch of
/// <see cref="BridgeOptions.BatchSize"/> chunks, writing them through the real <see cref="RecordingStore"/> (temp
/// file, fsync, rename; 8 at once, as <c>IngestPipeline</c> does) with one directory fsync per batch, then inserting
/// them through the real <see cref="ChunkRepository"/> (one transaction, with the build-dialogues job). The files and
/// the inserts are also measured alone, so the figure can be read as "disk" or "database" bound.
/// </summary>
internal static class DurableBound
{
    private const int FileParallelism = 8; // IngestPipeline's Parallel.ForEachAsync degree
    private const int Devices = 8;

    /// <param name="keepFilesUnder">
    /// Where to write, leaving the files for the caller to delete at the end of its run. Deleting thousands of files
    /// right before a measured phase makes that phase slower on ext4 without a journal (this machine's disk): each new
    /// inode then scans past the recently deleted ones (<c>recently_deleted</c> in the profile). Null: a temp directory
    /// deleted on return.
    /// </param>
    public static async Task<BoundFigures> MeasureAsync(string admin, int bytes, BridgeOptions bridge, TimeSpan duration, CancellationToken ct, string? keepFilesUnder = null)
    {
        var (db, name) = await BenchDatabase.CreateAsync(admin, "iot_bound");
        var root = Path.Combine(keepFilesUnder ?? Path.GetTempPath(), "iot-bench-bound-" + Guid.NewGuid().ToString("n"));
        try
        {
            await using var dataSource = NpgsqlDataSource.Create(db);
            await new DatabaseMigrator(dataSource, NullLogger<DatabaseMigrator>.Instance).MigrateAsync(ct);
            var registry = new DeviceRegistry(dataSource, TimeProvider.System);
            for (var d = 1; d <= Devices; d++)
            {
                await registry.EnsureAsync("bench", $"bound-{d}", ct);
            }

            var store = new RecordingStore(new LocalAudioStore(root, "bench-bound"));
            var repository = new ChunkRepository(dataSource, new PostgresJobQueue(dataSource));
            var audio = RandomNumberGenerator.GetBytes(Math.Max(1, bytes - 400));
            var sha = ChunkValidator.Sha256Hex(audio);
            var sequence = 0L;
            List<ChunkMetadata> Batch() => Enumerable.Range(0, bridge.BatchSize).Select(_ =>
            {
                var seq = Interlocked.Increment(ref sequence);
                return new ChunkMetadata
                {
                    ChunkId = Guid.CreateVersion7(), TenantId = "bench", DeviceId = $"bound-{(seq % Devices) + 1}", Sequence = seq,
                    StartedAtUtc = DateTimeOffset.UtcNow, DurationMs = 60_000, SampleRate = 16000, Codec = AudioCodecs.OggOpus,
                    ByteLength = audio.Length, Sha256 = sha,
                };
            }).ToList();

            async Task WriteFilesAsync(List<ChunkMetadata> batch)
            {
                await Parallel.ForEachAsync(batch, new ParallelOptions { MaxDegreeOfParallelism = FileParallelism, CancellationToken = ct },
                    async (m, token) => await store.WriteAsync(m, audio, token));
                store.SyncDirectories(batch);
            }

            Task InsertAsync(List<ChunkMetadata> batch) =>
                repository.InsertAsync(batch.Select(m => new ChunkRow(m, RecordingStore.RelativePath(m))).ToList(), "bound-probe", ct);

            var files = await RateAsync(bridge.IngestWorkers, duration, bridge.BatchSize, async () => await WriteFilesAsync(Batch()));
            var inserts = await RateAsync(bridge.IngestWorkers, duration, bridge.BatchSize, async () => await InsertAsync(Batch()));
            var both = await RateAsync(bridge.IngestWorkers, duration, bridge.BatchSize, async () =>
            {
                var batch = Batch();
                await WriteFilesAsync(batch);
                await InsertAsync(batch);
            });
            return new BoundFigures(files, inserts, both);
        }
        finally
        {
            await BenchDatabase.DropAsync(admin, name);
            if (keepFilesUnder is null && Directory.Exists(root))
            {
                Directory.Delete(root, recursive: true);
            }
        }
    }

    /// <summary>Chunks per second when <paramref name="workers"/> loops run <paramref name="oneBatch"/> for <paramref name="duration"/>.</summary>
    private static async Task<double> RateAsync(int workers, TimeSpan duration, int batchSize, Func<Task> oneBatch)
    {
        var batches = 0L;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, workers).Select(_ => Task.Run(async () =>
        {
            while (clock.Elapsed < duration)
            {
                await oneBatch();
                Interlocked.Increment(ref batches);
            }
        })));
        return batches * batchSize / clock.Elapsed.TotalSeconds;
    }
}

/// <summary>Chunks/s: files alone, inserts alone, and both in sequence per batch (the durable bound).</summary>
internal sealed record BoundFigures(double FilesPerSecond, double InsertsPerSecond, double DurablePerSecond)
{
    public static BoundFigures Mean(BoundFigures a, BoundFigures b) =>
        new((a.FilesPerSecond + b.FilesPerSecond) / 2, (a.InsertsPerSecond + b.InsertsPerSecond) / 2, (a.DurablePerSecond + b.DurablePerSecond) / 2);
}
