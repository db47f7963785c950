using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Iot.Bench.Bound;
using Iot.Bench.Ingest;
using Iot.Bench.Scale;
using Iot.Cloud.Bridge.Ingest;
using Iot.Cloud.Data;
using Iot.Protocol.Chunks;
using Npgsql;

namespace Iot.Bench.Storm;

/// <summary>
/// A reconnect storm: N devices (<c>--devices</c>, default 2,000), each holding M backlog chunks (<c>--backlog</c>,
/// default 20, 3 with <c>--quick</c>) of <c>--chunk-kb</c> KB (default 30), all connect within <c>--ramp</c> seconds
/// (default 5) and upload by the agent's rules. Per topology: time to drain, ack latency, resends, duplicate rows in
/// PostgreSQL (must be 0), connects, CPU of each process and the limits hit; then the drain rate against the durable
/// bound at the same chunk size. Exit code 1 when a storm does not drain by its deadline or leaves duplicates/holes.
/// </summary>
internal static class StormBench
{
    public static async Task<int> RunAsync(string databaseUrl, BenchArgs args)
    {
        var quick = args.Flag("--quick");
        var count = args.Int("--devices", 2000);
        var backlog = args.Int("--backlog", quick ? 3 : 20);
        var chunkBytes = args.Int("--chunk-kb", 30) * 1024;
        var ramp = TimeSpan.FromSeconds(args.Number("--ramp", 5));
        var iterations = args.Int("--hash-iterations", Iot.Provisioning.Security.SecretHasher.DefaultIterations);
        var deadline = TimeSpan.FromSeconds(args.Number("--deadline", 900));
        var topologies = args.Flag("--embedded-only") ? ["embedded"] : args.Flag("--mosquitto-only") ? new[] { "mosquitto" } : ["embedded", "mosquitto"];
        var admin = ConnectionStrings.Normalize(databaseUrl);

        Console.WriteLine($"storm bench: {Environment.ProcessorCount} cores, load average {IngestBench.LoadAverage()}, {count} devices x {backlog} backlog chunks x {chunkBytes / 1024} KB, connecting within {ramp.TotalSeconds:0.#} s");
        Console.WriteLine($"  device rules (the agent's): {DeviceRules.Describe()}; deadline per storm {deadline.TotalSeconds:0} s");
        Console.WriteLine($"  limits: open files (soft/hard) of this process {SystemLimits.OpenFileLimit(Environment.ProcessId)}, net.core.somaxconn {SystemLimits.SomaxConn()}; Mosquitto from the shipped broker-config (no max_connections: unlimited)");
        var fleet = StormFleet.Create(count, iterations);
        Console.WriteLine($"  credentials: {count} device secrets hashed with PBKDF2-SHA256 x {iterations} (provisioning's default) in {fleet.HashingTime.TotalSeconds:0.0} s on {Environment.ProcessorCount} cores");

        var failed = false;
        var results = new List<(string Name, double Rate)>();

        // Each storm's recordings are deleted at the end, not before the next storm: deleted in between, 40,000 files
        // would slow the next storm's file creation on this machine's journal-less ext4 (see DurableBound).
        var storages = new List<string>();
        foreach (var topology in topologies)
        {
            try
            {
                var storage = Path.Combine(Path.GetTempPath(), "iot-bench-storm-" + Guid.NewGuid().ToString("n"));
                storages.Add(storage);
                var (ok, rate, name) = await OneAsync(admin, fleet, topology, backlog, chunkBytes, ramp, deadline, storage);
                failed |= !ok;
                results.Add((name, rate));
            }
            catch (InvalidOperationException ex)
            {
                // A topology that cannot be set up fails the run but does not hide the other one's figures.
                Console.WriteLine($"{topology}: FAILED to run: {(ex.Message.Length > 600 ? ex.Message[..600] + " …" : ex.Message)}");
                failed = true;
            }
        }

        var bound = await DurableBound.MeasureAsync(admin, chunkBytes, new BridgeOptions(), TimeSpan.FromSeconds(quick ? 3 : 8), CancellationToken.None);
        Console.WriteLine(Line($"durable bound at {chunkBytes / 1024} KB (bridge batching, no broker): {bound.DurablePerSecond:0} chunks/s (files+fsync alone {bound.FilesPerSecond:0}/s, batched inserts alone {bound.InsertsPerSecond:0}/s)"));
        foreach (var (name, rate) in results)
        {
            Console.WriteLine(Line($"  {name}: drain rate {rate:0} chunks/s = {rate / bound.DurablePerSecond * 100:0.0} % of the durable bound"));
        }

        Console.WriteLine($"load average after: {IngestBench.LoadAverage()}");
        foreach (var storage in storages.Where(Directory.Exists))
        {
            Directory.Delete(storage, recursive: true);
        }

        return failed ? 1 : 0;
    }

    private static async Task<(bool Ok, double Rate, string Name)> OneAsync(
        string admin, StormFleet fleet, string kind, int backlog, int chunkBytes, TimeSpan ramp, TimeSpan deadline, string storage)
    {
        var (db, dbName) = await fleet.CreateDatabaseAsync(admin, CancellationToken.None);
        var setup = Stopwatch.StartNew();
        var topology = kind == "embedded"
            ? await StormTopology.EmbeddedAsync(db, storage)
            : await StormTopology.MosquittoAsync(db, storage, fleet.SealingKey);
        var sims = new List<SimulatedDevice>();
        try
        {
            var accepted = await topology.WaitUntilDevicesAcceptedAsync(fleet.Devices[^1], TimeSpan.FromSeconds(180));
            Console.WriteLine($"{topology.Name}: up in {setup.Elapsed.TotalSeconds:0.0} s (devices accepted {accepted.TotalSeconds:0.0} s after the bridges subscribed); " +
                $"open-file limits: {string.Join(", ", topology.Bridges.Select((b, i) => $"bridge-{i + 1} {SystemLimits.OpenFileLimit(b.Pid)}"))}" +
                (topology.BrokerPid is { } mp ? $", mosquitto {SystemLimits.OpenFileLimit(mp)}" : ""));

            int backend;
            await using (var c = new NpgsqlConnection(db))
            {
                await c.OpenAsync();
                backend = (int)(await new NpgsqlCommand("SELECT pg_backend_pid()", c).ExecuteScalarAsync())!;
            }

            var groups = new Dictionary<string, Func<IEnumerable<int>>>
            {
                ["load generator"] = () => [Environment.ProcessId],
                ["postgres"] = () => CpuSampler.PostgresCluster(backend),
            };
            foreach (var (bridge, i) in topology.Bridges.Select((b, i) => (b, i)))
            {
                groups[$"bridge-{i + 1}"] = () => [bridge.Pid];
            }

            if (topology.BrokerPid is { } brokerPid)
            {
                groups["mosquitto"] = () => [brokerPid];
            }

            var audio = RandomNumberGenerator.GetBytes(Math.Max(1, chunkBytes - 400));
            var sha = ChunkValidator.Sha256Hex(audio);
            var stats = new StormStats(DeviceRules.AckTimeout, fleet.Devices.Length);
            sims.AddRange(fleet.Devices.Select(d => new SimulatedDevice(d, topology.DevicePort, backlog, audio, sha, stats)));
            var total = sims.Count * backlog;
            var sampler = new CpuSampler(groups);
            await using var limits = new SystemLimits(groups.Where(g => g.Key != "postgres").ToDictionary());
            using var stop = new CancellationTokenSource(deadline);
            var before = sampler.Snapshot();
            var clock = Stopwatch.StartNew();
            var running = sims.Select((s, i) => Task.Run(async () =>
            {
                try
                {
                    await Task.Delay(ramp * i / sims.Count, stop.Token);
                    await s.RunAsync(stop.Token);
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                }
            })).ToArray();

            var all = Task.WhenAll(sims.Select(s => s.Done));
            var drained = false;
            var startupErrors = topology.Bridges.Select(b => b.Errors.Count).ToArray();
            while (!stop.IsCancellationRequested)
            {
                if (await Task.WhenAny(all, Task.Delay(TimeSpan.FromSeconds(5))) == all)
                {
                    drained = true;
                    break;
                }

                var connected = sims.Count(s => s.Connected);
                Console.WriteLine(Line($"  t={clock.Elapsed.TotalSeconds,5:0} s  connected {connected}/{sims.Count}  acked {stats.Acked}/{total}  ack timeouts {stats.AckTimeouts}  connect failures {stats.ConnectFailures}  queue-full drops {topology.Bridges.Sum(b => b.QueueFullDrops)}"));
            }

            var cpu = CpuSampler.Delta(before, sampler.Snapshot());
            var wall = stats.DrainTime.TotalSeconds;
            if (!drained)
            {
                var waiting = sims.Where(s => s.Unacked > 0).OrderByDescending(s => s.Unacked).ToList();
                Console.WriteLine($"  DEADLINE {deadline.TotalSeconds:0} s reached: {waiting.Sum(s => s.Unacked)} chunks unacked on {waiting.Count} devices " +
                    $"({waiting.Count(s => !s.Connected)} of them not connected): {string.Join(", ", waiting.Take(10).Select(s => $"{s.Name} {s.Unacked}"))}{(waiting.Count > 10 ? ", …" : "")}");
            }

            await stop.CancelAsync();
            await Task.WhenAll(running);

            long rows, ids, fleetRows;
            await using (var c = new NpgsqlConnection(db))
            {
                await c.OpenAsync();
                await using var q = new NpgsqlCommand("SELECT count(*), count(DISTINCT chunk_id), count(*) FILTER (WHERE chunk_id = ANY($1)) FROM chunks", c)
                {
                    Parameters = { new() { Value = sims.SelectMany(s => s.ChunkIds).ToArray() } },
                };
                await using var r = await q.ExecuteReaderAsync();
                await r.ReadAsync();
                (rows, ids, fleetRows) = (r.GetInt64(0), r.GetInt64(1), r.GetInt64(2));
            }

            var duplicates = rows - ids;
            var latencies = stats.AckLatenciesMs;
            var connects = stats.ConnectLatenciesMs;
            var shares = string.Join(", ", cpu.Select(c => $"{c.Key} {c.Value / wall * 100:0}%"));
            var bridgeCpu = cpu.Where(c => c.Key.StartsWith("bridge-", StringComparison.Ordinal)).Sum(c => c.Value);
            var rate = stats.Acked / wall;
            var ok = drained && duplicates == 0 && ids == total && fleetRows == total;
            Console.WriteLine(Line($"{topology.Name}: {(drained ? "drained" : "DID NOT DRAIN")} {stats.Acked}/{total} chunks in {wall:0.0} s ({rate:0} chunks/s, {rate * chunkBytes / 1048576:0.0} MiB/s); {(stats.AllConnectedAfter is { } allIn ? $"all {sims.Count} devices had connected after {allIn.TotalSeconds:0.0} s" : "NOT all devices connected")}"));
            Console.WriteLine(Line($"    ack latency (first publish -> ack): p50 {Percentiles.Of(latencies, 50):0} ms  p99 {Percentiles.Of(latencies, 99):0} ms  peak {Percentiles.Of(latencies, 100):0} ms;  connect+subscribe: p50 {Percentiles.Of(connects, 50):0} ms  p99 {Percentiles.Of(connects, 99):0} ms  max {Percentiles.Of(connects, 100):0} ms"));
            Console.WriteLine(Line($"    resends: {stats.AckTimeouts} after an ack timeout, {stats.SessionLostResends} after a session lost; connects {stats.Connects}, failed attempts {stats.ConnectFailures}; publish failures {stats.PublishFailures}, refused {stats.PublishRefused}; duplicate acks {stats.DuplicateAcks}, acks after a timeout {stats.LateAcks}, rejections {stats.Rejected}; bridge queue-full drops {topology.Bridges.Sum(b => b.QueueFullDrops)}"));
            Console.WriteLine(Line($"    PostgreSQL chunks: {rows} rows, {ids} distinct chunk ids, {fleetRows} of the {total} sent -> duplicate rows {duplicates} ({(duplicates == 0 ? "ok" : "MISMATCH")}), missing {total - fleetRows}"));
            Console.WriteLine(Line($"    CPU of {Environment.ProcessorCount * 100}% over the drain: {shares}; per chunk: bridges {bridgeCpu * 1000 / Math.Max(1, stats.Acked):0.00} ms, postgres {cpu["postgres"] * 1000 / Math.Max(1, stats.Acked):0.00} ms"));
            Console.WriteLine("    " + limits.Report());
            foreach (var (error, n) in stats.Errors.OrderByDescending(e => e.Value).Take(8))
            {
                Console.WriteLine($"    device saw {n}x: {error}");
            }

            foreach (var line in topology.Bridges.SelectMany((b, i) => b.Errors.Skip(startupErrors[i])).Where(l => !l.Contains("Ingest queue full", StringComparison.Ordinal)).GroupBy(l => l.Length > 160 ? l[..160] : l).Take(5))
            {
                Console.WriteLine($"    bridge logged {line.Count()}x: {line.Key}");
            }

            return (ok, rate, topology.Name);
        }
        finally
        {
            await Task.WhenAll(sims.Select(s => s.DisconnectAsync()));
            foreach (var s in sims)
            {
                s.Dispose();
            }

            await topology.DisposeAsync();
            await BenchDatabase.DropAsync(admin, dbName);
        }
    }

    private static string Line(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
