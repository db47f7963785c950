using System.Globalization;
using Dapper;
using Iot.Cloud.Bridge.Hosting;
using Iot.Cloud.Data;
using Iot.Edge.Agent.Hosting;
using Iot.Edge.Agent.Recording;
using Iot.TestSupport;
using Iot.TestSupport.Dialogues;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace Iot.Bench.Pipeline;

/// <summary>
/// Dialogue end-to-end latency: espeak-ng English dialogues → a real agent (played in real time) → embedded broker →
/// bridge with in-process workers (dialogue builder, PocketSphinx, rule analyzer). Latency per dialogue = analysis row
/// written − the dialogue's last chunk row written, i.e. queue + builder + decoding + ASR + analysis.
/// </summary>
internal static class EndToEndBench
{
    public static async Task<int> RunAsync(string adminConnectionString, bool quick)
    {
        var scripts = DialogueScripts.For("en").Where(s => !s.Hard).Take(quick ? 3 : 10).ToList();
        using var dir = new TempDirectory("e2e-bench");
        var wav = Path.Combine(dir.Path, "counter.wav");
        var audioSeconds = (await DialogueSpeech.WriteCounterWavAsync(scripts, silenceSeconds: 8, wav)).TotalSeconds;

        var database = $"iot_bench_e2e_{Guid.NewGuid():n}"[..26];
        await using (var c = new NpgsqlConnection(adminConnectionString))
        {
            await c.OpenAsync();
            await c.ExecuteAsync($"CREATE DATABASE {database}");
        }

        var db = new NpgsqlConnectionStringBuilder(adminConnectionString) { Database = database }.ConnectionString;
        var port = FreePort.Next();
        var inv = CultureInfo.InvariantCulture;
        using var bridge = BridgeHost.CreateBuilder([], new Dictionary<string, string?>
        {
            ["Database:ConnectionString"] = db,
            ["Storage:Root"] = dir.Sub("store"),
            ["Broker:Port"] = port.ToString(inv),
            ["Broker:ListenAddress"] = "127.0.0.1",
            ["Broker:RequireAuthentication"] = "false",
            ["Bridge:SeedDevices:0"] = "acme/pos-1",
            ["Pipeline:Transcription:Engine"] = "pocketsphinx",
            ["Pipeline:Dialogues:GapSeconds"] = "4",
            ["Pipeline:Dialogues:CloseGraceSeconds"] = "300",
            ["Serilog:MinimumLevel:Default"] = "Error",
        }).Build();
        await bridge.StartAsync();
        using var agent = AgentHost.CreateBuilder([], new Dictionary<string, string?>
        {
            ["Agent:TenantId"] = "acme",
            ["Agent:DeviceId"] = "pos-1",
            ["Agent:SpoolDirectory"] = dir.Sub("spool"),
            ["Agent:ChunkSeconds"] = "5",
            ["Audio:WavPath"] = wav,
            ["Audio:RealTime"] = "true",
            ["Mqtt:Port"] = port.ToString(inv),
            ["Mqtt:ReconnectMinMilliseconds"] = "100",
            ["Recording:Trigger"] = "Always",
            ["Health:Enabled"] = "false",
            ["Serilog:MinimumLevel:Default"] = "Error",
        }).Build();
        var started = DateTime.UtcNow;
        await agent.StartAsync();
        await agent.Services.GetRequiredService<RecorderStatus>().SourceFinished.Task.WaitAsync(TimeSpan.FromMinutes(5));

        await using var connection = new NpgsqlConnection(db);
        var deadline = DateTime.UtcNow.AddMinutes(10);
        while (await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM analyses") < scripts.Count && DateTime.UtcNow < deadline)
        {
            await Task.Delay(250);
        }

        var wall = DateTime.UtcNow - started;
        var latencies = (await connection.QueryAsync<double>(
            """
            SELECT extract(epoch FROM a.created_at - max(c.received_at)) * 1000
            FROM analyses a JOIN dialogue_segments s USING (dialogue_id) JOIN chunks c USING (chunk_id)
            GROUP BY a.dialogue_id, a.created_at ORDER BY 1
            """)).ToList();
        var speech = await connection.ExecuteScalarAsync<double>("SELECT coalesce(sum(speech_ms), 0) / 1000.0 FROM dialogues");
        await agent.StopAsync();
        await bridge.StopAsync();

        Console.WriteLine($"dialogue end to end: {scripts.Count} espeak-ng English dialogues, {audioSeconds:F0} s of audio ({speech:F0} s speech), agent → embedded broker → bridge → queue → builder → PocketSphinx → rules");
        Console.WriteLine($"  analysed {latencies.Count}/{scripts.Count} in {wall.TotalSeconds:F1} s wall (the recording plays in real time, like a live microphone)");
        if (latencies.Count > 0)
        {
            Console.WriteLine(string.Create(inv, $"  last chunk stored → analysis stored: p50 {Percentile(latencies, 0.5):F0} ms, p95 {Percentile(latencies, 0.95):F0} ms, max {latencies[^1]:F0} ms"));
        }

        Console.WriteLine($"  load average: {Load.Average()}");
        NpgsqlConnection.ClearAllPools();
        await using (var c = new NpgsqlConnection(adminConnectionString))
        {
            await c.OpenAsync();
            await c.ExecuteAsync($"DROP DATABASE IF EXISTS {database} WITH (FORCE)");
        }

        return latencies.Count == scripts.Count ? 0 : 1;
    }

    private static double Percentile(List<double> sorted, double p) => sorted[(int)Math.Min(sorted.Count - 1, Math.Ceiling(p * sorted.Count) - 1)];
}
