using System.Globalization;
using System.Text.Json;
using Dapper;
using Iot.Cloud.Bridge.Ingest;
using Iot.Integration.Tests.Infrastructure;
using Iot.Telemetry;
using Iot.TestSupport;
using Npgsql;

namespace Iot.Integration.Tests.Telemetry;

/// <summary>
/// The real programs as child processes (<c>dotnet iot-agent.dll</c>, <c>dotnet iot-bridge.dll</c> with its embedded
/// broker) exporting OTLP/HTTP to a real receiver: one trace per chunk from the device to the database, found by the
/// chunk id, and the bridge's JSON log lines joinable to it.
/// </summary>
[Collection(SystemCollection.Name)]
public class ChunkTraceTests(PostgresServer postgres)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task An_uploaded_chunk_is_one_trace_from_agent_to_bridge_keyed_by_its_chunk_id_and_the_json_log_line_joins_it()
    {
        using var dir = new TempDirectory();
        await using var receiver = new OtlpReceiver();
        var db = await postgres.CreateDatabaseAsync();
        var brokerPort = FreePort.Next();
        var bridgeLog = Path.Combine(dir.Path, "bridge.log");
        var otlp = new Dictionary<string, string>
        {
            ["OpenTelemetry:Otlp:Endpoint"] = receiver.Url,
            ["OpenTelemetry:Otlp:ExportIntervalMilliseconds"] = "200",
            ["Serilog:Format"] = "json",
        };
        using var bridge = ChildProcess.Start("iot-bridge.dll", Args(otlp, new Dictionary<string, string>
        {
            ["Bridge:InstanceId"] = "bridge-otlp",
            ["Bridge:SeedDevices:0"] = "acme/pos-1",
            ["Broker:Mode"] = "Embedded",
            ["Broker:Port"] = brokerPort.ToString(CultureInfo.InvariantCulture),
            ["Broker:ListenAddress"] = "127.0.0.1",
            ["Broker:RequireAuthentication"] = "false",
            ["Database:ConnectionString"] = db,
            ["Storage:Root"] = dir.Sub("storage"),
            ["Pipeline:Workers:Enabled"] = "false",
            ["Metrics:Port"] = "0",
            // Likewise the provisioning API: on its default port a second bridge logs an error (tests assert none).
            ["ProvisioningApi:Port"] = "0",
            ["Serilog:MinimumLevel:Default"] = "Warning",
            [$"Serilog:MinimumLevel:Override:{typeof(BridgeConnection).FullName}"] = "Information",
            // The per-chunk line is Debug: switched on for the ingest only, as an operator chasing a chunk would.
            [$"Serilog:MinimumLevel:Override:{typeof(IngestPipeline).FullName}"] = "Debug",
        }), bridgeLog);
        await bridge.WaitForLineAsync(line => line.Contains("subscribed to", StringComparison.Ordinal), Timeout, "the bridge to subscribe");

        var wav = await SpeechAudio.WavAsync(3);
        using var agent = ChildProcess.Start("iot-agent.dll", Args(otlp, new Dictionary<string, string>
        {
            ["Agent:TenantId"] = "acme",
            ["Agent:DeviceId"] = "pos-1",
            ["Agent:SpoolDirectory"] = dir.Sub("spool"),
            ["Agent:ChunkSeconds"] = "1",
            ["Audio:Source"] = "wav",
            ["Audio:WavPath"] = wav,
            ["Audio:RealTime"] = "false",
            ["Recording:Trigger"] = "Always",
            ["Recording:Upload"] = "Continuous",
            ["Mqtt:Host"] = "127.0.0.1",
            ["Mqtt:Port"] = brokerPort.ToString(CultureInfo.InvariantCulture),
            ["Health:Enabled"] = "false",
            ["Serilog:MinimumLevel:Default"] = "Warning",
        }), Path.Combine(dir.Path, "agent.log"));

        // Every chunk the bridge stored has an agent span and a bridge span in one trace, the bridge's the agent's child.
        IReadOnlyList<Guid> stored = [];
        await Eventually.WaitAsync(
            async () =>
            {
                await using var c = new NpgsqlConnection(db);
                stored = [.. await c.QueryAsync<Guid>("SELECT chunk_id FROM chunks WHERE tenant_id = 'acme' AND device_id = 'pos-1'")];
                return stored.Count >= 2 && stored.All(id => Pair(receiver, id) is not null);
            },
            Timeout,
            "two stored chunks with agent and bridge spans",
            () => Task.FromResult($"stored {stored.Count}; spans: {string.Join(", ", receiver.Spans.Select(s => $"{s.ServiceName}/{s.Name}/{s.Attribute(IotAttributes.ChunkId)}"))}; errors: {string.Join("; ", receiver.Errors)}\nbridge: {bridge.Tail(10)}\nagent: {agent.Tail(10)}"));

        foreach (var id in stored)
        {
            var (upload, ingest) = Pair(receiver, id)!.Value;
            Assert.Equal(upload.TraceId, ingest.TraceId);
            Assert.Equal(upload.SpanId, ingest.ParentSpanId);
            Assert.Null(upload.ParentSpanId);
            Assert.Equal(("acme", "pos-1"), (upload.Attribute(IotAttributes.TenantId), upload.Attribute(IotAttributes.DeviceId)));
            Assert.Equal(("acme", "pos-1"), (ingest.Attribute(IotAttributes.TenantId), ingest.Attribute(IotAttributes.DeviceId)));
            Assert.Equal("stored", ingest.Attribute(IotAttributes.Outcome));
            Assert.Equal("stored", upload.Attribute(IotAttributes.Outcome));
            Assert.Equal(["validated", "stored", "committed", "acked"], ingest.Events);
            Assert.Contains("puback", upload.Events);
            Assert.Equal("bridge-otlp", ingest.Resource.GetValueOrDefault("service.instance.id"));
        }

        Assert.Empty(receiver.Errors);
        await Eventually.WaitAsync(() => Task.FromResult(receiver.MetricRequests > 0), Timeout, "a metrics export");

        // The bridge's stdout: every line one JSON object (CLEF); the chunk's line carries its id and its trace id.
        await bridge.TerminateAsync(TimeSpan.FromSeconds(30));
        var lines = (await File.ReadAllLinesAsync(bridgeLog)).Where(l => l.Length > 0 && !l.StartsWith("--- ", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(lines);
        var events = lines.Select(line =>
        {
            using var json = JsonDocument.Parse(line);
            Assert.Equal(JsonValueKind.Object, json.RootElement.ValueKind);
            return json.RootElement.Clone();
        }).ToList();
        foreach (var id in stored)
        {
            var (upload, _) = Pair(receiver, id)!.Value;
            var line = Assert.Single(events, e => e.TryGetProperty("ChunkId", out var c) && c.GetString() == id.ToString());
            Assert.Equal("stored", line.GetProperty("Outcome").GetString());
            Assert.Equal(upload.TraceId, line.GetProperty("@tr").GetString());
            Assert.True(line.TryGetProperty("@t", out _));
        }
    }

    private static (OtlpSpan Upload, OtlpSpan Ingest)? Pair(OtlpReceiver receiver, Guid chunkId)
    {
        var id = chunkId.ToString();
        var upload = receiver.Named("chunk.upload").FirstOrDefault(s => s.ServiceName == "iot-agent" && s.Attribute(IotAttributes.ChunkId) == id);
        var ingest = receiver.Named("chunk.ingest").FirstOrDefault(s => s.ServiceName == "iot-bridge" && s.Attribute(IotAttributes.ChunkId) == id);
        return upload is null || ingest is null ? null : (upload, ingest);
    }

    private static IEnumerable<string> Args(Dictionary<string, string> common, Dictionary<string, string> own) =>
        common.Concat(own).Select(a => $"--{a.Key}={a.Value}");
}
