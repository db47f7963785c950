using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using Iot.Cloud.Data;
using Iot.Protocol.Messages;
using Iot.Protocol.Serialization;
using MQTTnet;
using Npgsql;

namespace Iot.Bench.Scale;

/// <summary>
/// One bridge vs two bridges sharing a Mosquitto subscription (<c>$share/bridge/…</c>), in the same run, same
/// payloads, same load, each bridge a real process. Prints throughput, where every component's CPU went and the
/// durable-write ceilings measured alone, so the bound is read off the figures instead of guessed.
/// </summary>
internal static class ScaleBench
{
    private const int Publishers = 8;
    private const int Window = 16;

    public static async Task<int> RunAsync(string databaseUrl, IReadOnlyList<string> args, BenchArgs options)
    {
        var admin = ConnectionStrings.Normalize(databaseUrl);
        var quick = args.Contains("--quick");
        var sizes = new[] { (Bytes: 4 * 1024, Messages: quick ? 3000 : 20_000), (Bytes: 64 * 1024, Messages: quick ? 1000 : 5000) }
            .Where(s => !args.Contains("--payload-kb") || args[args.ToList().IndexOf("--payload-kb") + 1] == (s.Bytes / 1024).ToString(CultureInfo.InvariantCulture))
            .ToArray();
        Console.WriteLine($"scale bench: {Environment.ProcessorCount} cores, load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}, {Publishers} publishers x window {Window}, bridges as separate processes on one Mosquitto (persistence on)");

        await using var mosquitto = new Mosquitto();
        await mosquitto.StartAsync();
        var devices = Enumerable.Range(1, Publishers).Select(i => $"dev-{i}").ToArray();
        var run = new LoadRun(options.AckTimeout, options.PhaseDeadline);
        var publishers = new List<IMqttClient>();
        for (var i = 0; i < Publishers; i++)
        {
            publishers.Add(await Clients.ConnectAsync(mosquitto.Port, "bench." + devices[i]));
        }

        using var ackSink = await Clients.ConnectAsync(mosquitto.Port, "bench-ack-sink", e =>
        {
            var ack = ProtocolJson.TryDeserialize<ChunkAck>(e.ApplicationMessage.Payload.ToArray(), out _);
            if (ack is { ChunkId: { } id, Status: AckStatus.Stored or AckStatus.Duplicate })
            {
                run.Complete(id);
            }

            return Task.CompletedTask;
        }, "iot/v1/bench/+/ack");

        var failed = false;
        var results = new List<(int Bytes, int Bridges, RunResult Result)>();
        foreach (var (bytes, count) in sizes)
        {
            foreach (var bridges in new[] { 1, 2 })
            {
                var (result, ok) = await OneAsync(admin, mosquitto, devices, publishers, run, bridges, bytes, count);
                results.Add((bytes, bridges, result));
                failed |= !ok;
            }

            var one = results.Single(r => r.Bytes == bytes && r.Bridges == 1).Result.PerSecond;
            var two = results.Single(r => r.Bytes == bytes && r.Bridges == 2).Result.PerSecond;
            Console.WriteLine($"payload {bytes / 1024,3} KB  two bridges / one bridge: {two / one:0.00}x");
        }

        Console.WriteLine("ceilings measured alone on this machine (the same durable steps, nothing else running):");
        var storage = Path.Combine(Path.GetTempPath(), "iot-bench-fsync-" + Guid.NewGuid().ToString("n"));
        foreach (var bytes in new[] { 4 * 1024, 64 * 1024 })
        {
            foreach (var threads in new[] { 1, 2 })
            {
                var rate = BoundProbes.DurableFilesPerSecond(storage, bytes, threads, TimeSpan.FromSeconds(quick ? 2 : 5));
                Console.WriteLine($"  file create+write+fsync+rename {bytes / 1024,3} KB, {threads} thread(s): {rate,8:0} files/s");
            }
        }

        var probeDb = await BenchDatabase.CreateAsync(admin, "iot_scale");
        foreach (var connections in new[] { 1, 4 })
        {
            var rate = await BoundProbes.CommitsPerSecondAsync(probeDb.ConnectionString, connections, TimeSpan.FromSeconds(quick ? 2 : 5));
            Console.WriteLine($"  PostgreSQL single-row commits (synchronous_commit on), {connections} connection(s): {rate,8:0} commits/s");
        }

        await BenchDatabase.DropAsync(admin, probeDb.Name);
        foreach (var p in publishers)
        {
            await p.DisconnectAsync();
            p.Dispose();
        }

        return failed ? 1 : 0;
    }

    private static async Task<(RunResult Result, bool ExactlyOnce)> OneAsync(
        string admin, Mosquitto mosquitto, string[] devices, List<IMqttClient> publishers, LoadRun run, int bridgeCount, int bytes, int count)
    {
        var (db, name) = await BenchDatabase.CreateAsync(admin, "iot_scale");
        var storage = Path.Combine(Path.GetTempPath(), "iot-bench-scale-" + Guid.NewGuid().ToString("n"));
        var bridges = new List<BridgeProcess>();
        try
        {
            // Sequential start: the first bridge migrates the database, the second finds it migrated.
            for (var b = 1; b <= bridgeCount; b++)
            {
                bridges.Add(await BridgeProcess.StartAsync($"bridge-{b}", mosquitto.Port, db, storage, devices));
            }

            var warm = await run.SaturateAsync($"{bridgeCount} bridge(s) {bytes / 1024} KB warm-up", publishers, ChunkLoad.Messages(bytes, Math.Min(500, count), Publishers), Window); // warm-up: JIT, pools
            int backend;
            await using (var c = new NpgsqlConnection(db))
            {
                await c.OpenAsync();
                backend = (int)(await new NpgsqlCommand("SELECT pg_backend_pid()", c).ExecuteScalarAsync())!;
            }

            var groups = new Dictionary<string, Func<IEnumerable<int>>>
            {
                ["load generator"] = () => [Environment.ProcessId],
                ["mosquitto"] = () => [mosquitto.Pid],
                ["postgres"] = () => CpuSampler.PostgresCluster(backend),
            };
            foreach (var (bridge, i) in bridges.Select((b, i) => (b, i)))
            {
                groups[$"bridge-{i + 1}"] = () => [bridge.Pid];
            }

            var sampler = new CpuSampler(groups);
            var messages = ChunkLoad.Messages(bytes, count, Publishers);
            var before = sampler.Snapshot();
            var result = await run.SaturateAsync($"{bridgeCount} bridge(s) {bytes / 1024} KB", publishers, messages, Window);
            var cpu = CpuSampler.Delta(before, sampler.Snapshot());
            var wall = result.Elapsed.TotalSeconds;
            var shares = string.Join(", ", cpu.Select(c => $"{c.Key} {c.Value / wall * 100:0}%"));
            var total = cpu.Values.Sum() / wall * 100;
            var bridgeCpuMs = cpu.Where(c => c.Key.StartsWith("bridge-", StringComparison.Ordinal)).Sum(c => c.Value) * 1000 / count;
            var pgCpuMs = cpu["postgres"] * 1000 / count;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"payload {bytes / 1024,3} KB  {bridgeCount} bridge(s): {result.PerSecond,6:0} chunks/s ({result.PerSecond * bytes / 1048576,5:0.0} MiB/s)  ack p50 {result.Percentile(50),5:0} ms p99 {result.Percentile(99),5:0} ms"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"    CPU of {Environment.ProcessorCount * 100}% available: {shares}; total {total:0}%  |  per chunk: bridges {bridgeCpuMs:0.00} ms, postgres {pgCpuMs:0.00} ms"));

            await using var check = new NpgsqlConnection(db);
            await check.OpenAsync();
            var rows = (long)(await new NpgsqlCommand("SELECT count(*) FROM chunks", check).ExecuteScalarAsync())!;
            var expected = count + Math.Min(500, count);
            var exactlyOnce = rows == expected && warm.Finished && result.Finished;
            Console.WriteLine($"    check: {rows} rows for {expected} chunks sent ({(exactlyOnce ? "exactly once" : "MISMATCH")})");
            return (result, exactlyOnce);
        }
        finally
        {
            foreach (var bridge in bridges)
            {
                await bridge.DisposeAsync();
            }

            await BenchDatabase.DropAsync(admin, name);
            if (Directory.Exists(storage))
            {
                Directory.Delete(storage, recursive: true);
            }
        }
    }
}
