using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Iot.Bench.Bound;
using Iot.Bench.Profile;
using Iot.Cloud.Bridge.Hosting;
using Iot.Cloud.Bridge.Ingest;
using Iot.Cloud.Data;
using Iot.Protocol.Messages;
using Iot.Protocol.Serialization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using MQTTnet;
using Npgsql;

namespace Iot.Bench.Ingest;

/// <summary>
/// Raw Mosquitto QoS 1 delivery vs the bridge's publish → durable → ack, same payloads, same load, and the durable
/// bound of this machine (<see cref="DurableBound"/>) measured in the same run, so the bridge is read as a share of
/// what the disk and the database allow as well as of the bare broker.
/// </summary>
internal static class IngestBench
{
    private const int Publishers = 8;

    /// <summary>
    /// Messages each publisher keeps outstanding by default (8 × 16 = 128 in all). The bridge's rate is at most the
    /// total window over the end-to-end latency (Little's law); <c>--window N</c> offers more, as a fleet of many
    /// devices with 8 in flight each does, so the bridge can be read against the open-loop durable bound.
    /// </summary>
    private const int DefaultWindow = 16;
    private const double PacedRate = 1000;

    // Issue 20's targets.
    private const double BoundShareTarget = 0.80;
    private const double RawShareTarget = 0.50;
    private const double PacedP99TargetMs = 250;

    public static async Task<int> RunAsync(string databaseUrl, BenchArgs args)
    {
        var quick = args.Flag("--quick");
        var window = args.Int("--window", DefaultWindow);
        var sizes = new[] { (Bytes: 4 * 1024, Messages: quick ? 2000 : 20_000), (Bytes: 64 * 1024, Messages: quick ? 500 : 4000) };
        var boundDuration = TimeSpan.FromSeconds(quick ? 3 : 8);
        var run = new LoadRun(args.AckTimeout, args.PhaseDeadline, args.Int("--lose", 0));
        using var stages = args.Flag("--stages") ? new IngestStages() : null;
        if (stages is not null)
        {
            run.OnFirstSend = stages.Published;
        }

        Console.WriteLine($"ingest bench: {Environment.ProcessorCount} cores, load average {LoadAverage()}, {Publishers} publishers x window {window}, " +
            $"Mosquitto {Mosquitto.Version()}, PostgreSQL synchronous_commit=on, fsync per file");
        Console.WriteLine($"  load generator resends like a device: ack timeout {args.AckTimeout.TotalSeconds:0.#} s; each phase's deadline {run.Deadline.TotalSeconds:0} s");
        await using var mosquitto = new Mosquitto();
        await mosquitto.StartAsync();
        var admin = ConnectionStrings.Normalize(databaseUrl);
        var (db, database) = await BenchDatabase.CreateAsync(admin, "iot_bench");
        var storage = Path.Combine(Path.GetTempPath(), "iot-bench-store-" + Guid.NewGuid().ToString("n"));

        // The bound's files stay until the end: deleted between phases, they would slow the next phase (DurableBound).
        var boundFiles = Path.Combine(Path.GetTempPath(), "iot-bench-bound-files-" + Guid.NewGuid().ToString("n"));
        var devices = Enumerable.Range(1, Publishers).Select(i => $"dev-{i}").ToArray();
        var overrides = new Dictionary<string, string?>
        {
            ["Broker:Mode"] = "External",
            ["Broker:Port"] = mosquitto.Port.ToString(CultureInfo.InvariantCulture),
            ["Database:ConnectionString"] = db,
            ["Storage:Root"] = storage,
            ["Serilog:MinimumLevel:Default"] = "Error",
            ["Metrics:Enabled"] = "false",
            ["ProvisioningApi:Enabled"] = "false",

            // Each queue-full drop logs an Error line; they are counted from IngestMetrics instead of flooding the figures.
            ["Serilog:MinimumLevel:Override:Iot.Cloud.Bridge.Ingest.BridgeConnection"] = "Fatal",
        };
        for (var i = 0; i < devices.Length; i++)
        {
            overrides[$"Bridge:SeedDevices:{i}"] = "bench/" + devices[i];
        }

        foreach (var (key, value) in args.BridgeSettings)
        {
            overrides[key] = value;
        }

        using var bridge = BridgeHost.CreateBuilder([], overrides).Build();
        await bridge.StartAsync();
        await bridge.Services.GetRequiredService<BridgeConnection>().Subscribed.WaitAsync(TimeSpan.FromSeconds(30));
        var bridgeOptions = bridge.Services.GetRequiredService<IOptions<BridgeOptions>>().Value;

        var publishers = new List<IMqttClient>();
        for (var i = 0; i < Publishers; i++)
        {
            publishers.Add(await Clients.ConnectAsync(mosquitto.Port, "bench." + devices[i]));
        }

        var rawSink = await Clients.ConnectAsync(mosquitto.Port, "bench-raw-sink", e =>
        {
            run.Complete(new Guid(e.ApplicationMessage.Payload.Slice(0, 16).ToArray()));
            return Task.CompletedTask;
        }, "bench/raw/#");
        var ackSink = await Clients.ConnectAsync(mosquitto.Port, "bench-ack-sink", e =>
        {
            var ack = ProtocolJson.TryDeserialize<ChunkAck>(e.ApplicationMessage.Payload.ToArray(), out _);
            if (ack is { ChunkId: { } id, Status: AckStatus.Stored or AckStatus.Duplicate })
            {
                stages?.Received(id);
                run.Complete(id);
            }

            return Task.CompletedTask;
        }, "iot/v1/bench/+/ack");

        var targets = new List<(string Name, bool Met)>();
        var stored = 0L;
        foreach (var (bytes, count) in sizes)
        {
            var kb = $"{bytes / 1024,3} KB";
            var raw = RawMessages(bytes, count);
            var warm = await run.SaturateAsync($"raw {kb} warm-up", publishers, raw.Take(Math.Min(500, count)).ToList(), window);
            var rawResult = await run.SaturateAsync($"raw {kb}", publishers, raw, window);

            // The bridge warms up too: a phase measured from a cold bridge counts its JIT (tier-0 → tier-1 recompiles ran
            // on a whole core for seconds in the profile) against ingest, which a bridge running for days never pays.
            var warmBridge = ChunkLoad.Messages(bytes, Math.Min(count, bytes > 16 * 1024 ? 1000 : 3000), Publishers);
            await run.SaturateAsync($"bridge {kb} warm-up", publishers, warmBridge, window);
            stored += warmBridge.Count;
            stages?.Forget();

            // The disk's fsync rate swings several-fold within minutes on this box, so the bound is measured right
            // before and right after the bridge phase and the bridge is read against their mean.
            var boundBefore = await DurableBound.MeasureAsync(admin, bytes, bridgeOptions, boundDuration, CancellationToken.None, boundFiles);
            var chunks = ChunkLoad.Messages(bytes, count, Publishers);
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var machine = MachineCpu.Sample();
            var bridgeResult = await run.SaturateAsync($"bridge {kb}", publishers, chunks, window);
            var machineBusy = MachineCpu.BusyShareSince(machine);
            var cpuUsed = Process.GetCurrentProcess().TotalProcessorTime - cpu;
            stored += count;
            stages?.Report($"bridge {kb}", bridgeOptions.IngestWorkers);
            var boundAfter = await DurableBound.MeasureAsync(admin, bytes, bridgeOptions, boundDuration, CancellationToken.None, boundFiles);
            var bound = BoundFigures.Mean(boundBefore, boundAfter);

            Console.WriteLine(Line($"payload {kb}  raw mosquitto QoS1: {rawResult.PerSecond,8:0} msg/s ({rawResult.PerSecond * bytes / 1048576,6:0.0} MiB/s)  p50 {rawResult.Percentile(50),6:0.0} ms  p99 {rawResult.Percentile(99),6:0.0} ms{Resent(rawResult)}"));
            Console.WriteLine(Line($"payload {kb}  bridge ingest+ack:  {bridgeResult.PerSecond,8:0} msg/s ({bridgeResult.PerSecond * bytes / 1048576,6:0.0} MiB/s)  p50 {bridgeResult.Percentile(50),6:0.0} ms  p99 {bridgeResult.Percentile(99),6:0.0} ms  bench+bridge process CPU {cpuUsed.TotalSeconds / bridgeResult.Elapsed.TotalSeconds * 100:0}%, machine busy {machineBusy * 100:0}%{Resent(bridgeResult)}"));
            Console.WriteLine(Line($"payload {kb}  durable bound (bridge batching: {bridgeOptions.IngestWorkers} workers x {bridgeOptions.BatchSize}/batch, no broker): {bound.DurablePerSecond,8:0} chunks/s  (before {boundBefore.DurablePerSecond:0}, after {boundAfter.DurablePerSecond:0}; files+fsync alone {bound.FilesPerSecond:0}/s, batched inserts alone {bound.InsertsPerSecond:0}/s)"));
            var ofBound = bridgeResult.PerSecond / bound.DurablePerSecond;
            var ofRaw = bridgeResult.PerSecond / rawResult.PerSecond;
            var boundMet = bridgeResult.Finished && ofBound >= BoundShareTarget;
            targets.Add(($"{bytes / 1024} KB bridge >= {BoundShareTarget:P0} of durable bound", boundMet));
            var rawLine = Line($"payload {kb}  bridge / durable bound: {ofBound * 100,5:0.0} % (target >= {BoundShareTarget * 100:0} %: {(boundMet ? "met" : "MISSED")})  bridge / raw mosquitto: {ofRaw * 100,5:0.0} %");
            if (bytes == 64 * 1024)
            {
                var rawMet = bridgeResult.Finished && warm.Finished && rawResult.Finished && ofRaw >= RawShareTarget;
                targets.Add(($"64 KB bridge >= {RawShareTarget:P0} of raw Mosquitto", rawMet));
                rawLine += Line($" (target >= {RawShareTarget * 100:0} %: {(rawMet ? "met" : "MISSED")})");
            }

            Console.WriteLine(rawLine);
        }

        var paced = ChunkLoad.Messages(4 * 1024, quick ? 2000 : 5000, Publishers);
        var pacedResult = await run.PaceAsync("paced", publishers, paced, PacedRate);
        stored += paced.Count;
        stages?.Report("paced", bridgeOptions.IngestWorkers);
        var pacedMet = pacedResult.Finished && pacedResult.Percentile(99) < PacedP99TargetMs;
        targets.Add(($"paced {PacedRate:0} msg/s completes with p99 ack < {PacedP99TargetMs:0} ms", pacedMet));
        Console.WriteLine(Line($"paced {PacedRate:0} msg/s x {paced.Count}, 4 KB: {(pacedResult.Finished ? "completed" : "DID NOT COMPLETE")}, achieved {pacedResult.PerSecond:0} msg/s, ack p50 {pacedResult.Percentile(50):0.0} ms, p99 {pacedResult.Percentile(99):0.0} ms, max {pacedResult.Percentile(100):0.0} ms{Resent(pacedResult)} (target p99 < {PacedP99TargetMs:0} ms: {(pacedMet ? "met" : "MISSED")})"));

        long rows;
        await using (var c = new NpgsqlConnection(db))
        {
            await c.OpenAsync();
            rows = (long)(await new NpgsqlCommand("SELECT count(*) FROM chunks", c).ExecuteScalarAsync())!;
        }

        Console.WriteLine("bridge counters: " + bridge.Services.GetRequiredService<IngestMetrics>());
        Console.WriteLine($"check: {rows} rows for {stored} chunks sent ({(rows == stored ? "exactly once" : "MISMATCH")})");
        Console.WriteLine($"load average after: {LoadAverage()}");
        Console.WriteLine("targets: " + string.Join("; ", targets.Select(t => $"{t.Name}: {(t.Met ? "met" : "MISSED")}")));
        await bridge.StopAsync();
        if (rows != stored)
        {
            Console.WriteLine($"bench: kept database {database} and {storage} for inspection");
            return 1;
        }

        foreach (var p in publishers.Append(rawSink).Append(ackSink))
        {
            await p.DisconnectAsync();
            p.Dispose();
        }

        await BenchDatabase.DropAsync(admin, database);
        Directory.Delete(storage, recursive: true);
        if (Directory.Exists(boundFiles))
        {
            Directory.Delete(boundFiles, recursive: true);
        }
        return targets.All(t => t.Met) ? 0 : 1;
    }

    public static string LoadAverage() => string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));

    private static string Line(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

    private static string Resent(RunResult r) =>
        (r.Lost > 0 ? $"  lost on purpose {r.Lost}" : "") + (r.Resends > 0 ? $"  resent {r.Resends}" : "") + (r.Finished ? "" : $"  INCOMPLETE {r.Completed}/{r.Messages}");

    private static List<(int, Guid, MqttApplicationMessage)> RawMessages(int bytes, int count) =>
        Enumerable.Range(0, count).Select(i =>
        {
            var key = Guid.NewGuid();
            var payload = RandomNumberGenerator.GetBytes(bytes);
            key.TryWriteBytes(payload);
            return (i % Publishers, key, Clients.Message($"bench/raw/{i % Publishers}", payload));
        }).ToList();
}
