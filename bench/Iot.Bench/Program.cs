using Iot.Cloud.Data;
using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Iot.Bench;
using Iot.Cloud.Bridge.Hosting;
using Iot.Cloud.Bridge.Persistence;
using Iot.Protocol.Chunks;
using Iot.Protocol.Messages;
using Iot.Protocol.Serialization;
using Iot.Protocol.Topics;
using Microsoft.Extensions.Hosting;
using MQTTnet;
using Npgsql;

// Ingest benchmark: raw Mosquitto QoS 1 delivery vs the bridge's publish → durable → ack, same payloads, same load.
var databaseUrl = Environment.GetEnvironmentVariable("IOT_DATABASE_URL") ?? Environment.GetEnvironmentVariable("DATABASE_URL")
    ?? throw new InvalidOperationException("set IOT_DATABASE_URL or DATABASE_URL (bench/run.sh does)");
var quick = args.Contains("--quick");
if (args.FirstOrDefault() == "scale")
{
    return await Iot.Bench.Scale.ScaleBench.RunAsync(databaseUrl, args);
}

const int Publishers = 8;
const int Window = 16;
var sizes = new[] { (Bytes: 4 * 1024, Messages: quick ? 2000 : 20_000), (Bytes: 64 * 1024, Messages: quick ? 500 : 4000) };

Console.WriteLine($"ingest bench: {Environment.ProcessorCount} cores, {Publishers} publishers x window {Window}, Mosquitto {MosquittoVersion()}, PostgreSQL synchronous_commit=on, fsync per file");
await using var mosquitto = new Mosquitto();
await mosquitto.StartAsync();
var admin = ConnectionStrings.Normalize(databaseUrl);
var (db, database) = await BenchDatabase.CreateAsync(admin, "iot_bench");
var storage = Path.Combine(Path.GetTempPath(), "iot-bench-store-" + Guid.NewGuid().ToString("n"));
var devices = Enumerable.Range(1, Publishers).Select(i => $"dev-{i}").ToArray();
var overrides = new Dictionary<string, string?>
{
    ["Broker:Mode"] = "External",
    ["Broker:Port"] = mosquitto.Port.ToString(CultureInfo.InvariantCulture),
    ["Database:ConnectionString"] = db,
    ["Storage:Root"] = storage,
    ["Serilog:MinimumLevel:Default"] = "Warning",
};
for (var i = 0; i < devices.Length; i++)
{
    overrides[$"Bridge:SeedDevices:{i}"] = "bench/" + devices[i];
}

using var bridge = BridgeHost.CreateBuilder([], overrides).Build();
await bridge.StartAsync();
await ((Iot.Cloud.Bridge.Ingest.BridgeConnection)bridge.Services.GetService(typeof(Iot.Cloud.Bridge.Ingest.BridgeConnection))!).Subscribed.WaitAsync(TimeSpan.FromSeconds(30));

var publishers = new List<IMqttClient>();
for (var i = 0; i < Publishers; i++)
{
    publishers.Add(await Clients.ConnectAsync(mosquitto.Port, "bench." + devices[i]));
}

var run = new LoadRun();
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
        run.Complete(id);
    }

    return Task.CompletedTask;
}, "iot/v1/bench/+/ack");

var stored = 0L;
foreach (var (bytes, count) in sizes)
{
    var raw = RawMessages(bytes, count);
    await run.SaturateAsync(publishers, raw.Take(Math.Min(500, count)).ToList(), Window); // warm-up
    var rawResult = await run.SaturateAsync(publishers, raw, Window);

    var chunks = ChunkLoad.Messages(bytes, count, Publishers);
    var cpu = Process.GetCurrentProcess().TotalProcessorTime;
    var bridgeResult = await run.SaturateAsync(publishers, chunks, Window);
    var cpuUsed = Process.GetCurrentProcess().TotalProcessorTime - cpu;
    stored += count;

    Console.WriteLine($"payload {bytes / 1024,3} KB  raw mosquitto QoS1: {rawResult.PerSecond,8:0} msg/s ({rawResult.PerSecond * bytes / 1048576,6:0.0} MiB/s)  p50 {rawResult.Percentile(50),6:0.0} ms  p99 {rawResult.Percentile(99),6:0.0} ms");
    Console.WriteLine($"payload {bytes / 1024,3} KB  bridge ingest+ack:  {bridgeResult.PerSecond,8:0} msg/s ({bridgeResult.PerSecond * bytes / 1048576,6:0.0} MiB/s)  p50 {bridgeResult.Percentile(50),6:0.0} ms  p99 {bridgeResult.Percentile(99),6:0.0} ms  bench-process CPU {cpuUsed.TotalSeconds / bridgeResult.Elapsed.TotalSeconds * 100:0}%");
    Console.WriteLine($"payload {bytes / 1024,3} KB  ratio bridge/raw: {bridgeResult.PerSecond / rawResult.PerSecond * 100:0.0} %  (target >= 50 %)");
}

var paced = ChunkLoad.Messages(4 * 1024, quick ? 2000 : 5000, Publishers);
var pacedResult = await run.PaceAsync(publishers, paced, 1000);
stored += paced.Count;
Console.WriteLine($"paced 1000 msg/s x {paced.Count}, 4 KB: achieved {pacedResult.PerSecond:0} msg/s, ack p50 {pacedResult.Percentile(50):0.0} ms, p99 {pacedResult.Percentile(99):0.0} ms, max {pacedResult.Percentile(100):0.0} ms (target p99 < 100 ms)");

await using (var c = new NpgsqlConnection(db))
{
    await c.OpenAsync();
    var rows = (long)(await new NpgsqlCommand("SELECT count(*) FROM chunks", c).ExecuteScalarAsync())!;
    Console.WriteLine("bridge counters: " + bridge.Services.GetService(typeof(Iot.Cloud.Bridge.Ingest.IngestMetrics)));
    Console.WriteLine($"check: {rows} rows for {stored} chunks sent ({(rows == stored ? "exactly once" : "MISMATCH")})");
    if (rows != stored)
    {
        Console.WriteLine($"bench: kept database {database} and {storage} for inspection");
        return 1;
    }
}

await bridge.StopAsync();
foreach (var p in publishers.Append(rawSink).Append(ackSink))
{
    await p.DisconnectAsync();
    p.Dispose();
}

await BenchDatabase.DropAsync(admin, database);

Directory.Delete(storage, recursive: true);
return 0;

static List<(int, Guid, MqttApplicationMessage)> RawMessages(int bytes, int count) =>
    Enumerable.Range(0, count).Select(i =>
    {
        var key = Guid.NewGuid();
        var payload = RandomNumberGenerator.GetBytes(bytes);
        key.TryWriteBytes(payload);
        return (i % Publishers, key, Clients.Message($"bench/raw/{i % Publishers}", payload));
    }).ToList();

static string MosquittoVersion()
{
    try
    {
        using var p = Process.Start(new ProcessStartInfo("mosquitto", ["-h"]) { RedirectStandardOutput = true, UseShellExecute = false })!;
        var first = p.StandardOutput.ReadLine() ?? "";
        p.WaitForExit();
        return first.Replace("mosquitto version ", "", StringComparison.Ordinal).Trim();
    }
    catch (System.ComponentModel.Win32Exception)
    {
        throw new InvalidOperationException("mosquitto is not installed; run bench/run.sh, which installs it");
    }
}
