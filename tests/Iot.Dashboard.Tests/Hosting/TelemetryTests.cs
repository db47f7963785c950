using System.Net;
using System.Text.Json;
using Iot.Dashboard.Tests.Infrastructure;
using Iot.Telemetry;
using Iot.TestSupport;

namespace Iot.Dashboard.Tests.Hosting;

/// <summary>The published dashboard (<c>dotnet iot-dashboard.dll</c>) exporting to a real OTLP/HTTP receiver.</summary>
public sealed class TelemetryTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Requests_become_server_spans_with_the_route_and_chunk_id_health_probes_do_not_and_logs_are_json_lines()
    {
        using var dir = new TempDirectory();
        await using var receiver = new OtlpReceiver();
        var port = FreePort.Next();
        var chunkId = Guid.NewGuid();
        var log = Path.Combine(dir.Path, "dashboard.log");
        using (var dashboard = ChildProcess.Start("iot-dashboard.dll", Args(await TestDatabase.CreateAsync("dash_otlp"), dir.Path, port, new()
        {
            ["OpenTelemetry:Otlp:Endpoint"] = receiver.Url,
            ["OpenTelemetry:Otlp:ExportIntervalMilliseconds"] = "200",
            ["Serilog:Format"] = "json",
        }), log))
        {
            await dashboard.WaitForLineAsync(line => line.Contains("Now listening on", StringComparison.Ordinal), Timeout, "the dashboard to listen");
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);
            // Not signed in: refused, and still traced (the route and chunk id, never a body or a cookie).
            Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync($"/api/chunks/{chunkId}/audio")).StatusCode);

            await Eventually.WaitAsync(
                () => Task.FromResult(receiver.Named("GET /api/chunks/{chunkId:guid}/audio").Any()),
                Timeout,
                "the request span",
                () => Task.FromResult(string.Join(", ", receiver.Spans.Select(s => s.Name)) + string.Join("; ", receiver.Errors) + "\n" + dashboard.Tail(10)));
            var span = Assert.Single(receiver.Named("GET /api/chunks/{chunkId:guid}/audio"));
            Assert.Equal("iot-dashboard", span.ServiceName);
            Assert.Equal(2, span.Kind); // SPAN_KIND_SERVER
            Assert.Equal(chunkId.ToString(), span.Attribute(IotAttributes.ChunkId));
            Assert.Equal("401", span.Attribute("http.response.status_code"));
            Assert.DoesNotContain(receiver.Spans, s => s.Attribute("url.path")?.StartsWith("/health", StringComparison.Ordinal) == true);
            Assert.Empty(receiver.Errors);
            await dashboard.TerminateAsync(TimeSpan.FromSeconds(30));
        }

        var lines = (await File.ReadAllLinesAsync(log)).Where(l => l.Length > 0 && !l.StartsWith("--- ", StringComparison.Ordinal)).ToList();
        Assert.Contains(lines, l => l.Contains("Now listening on", StringComparison.Ordinal));
        foreach (var line in lines)
        {
            using var json = JsonDocument.Parse(line);
            Assert.True(json.RootElement.TryGetProperty("@t", out _), line);
        }
    }

    [Theory]
    [InlineData("collector:4318")]
    [InlineData("ftp://collector:4318")]
    [InlineData("http://user:secret@collector:4318")]
    public async Task A_bad_otlp_endpoint_stops_start_up_with_exit_code_2_naming_the_key(string endpoint)
    {
        using var dir = new TempDirectory();
        var log = Path.Combine(dir.Path, "dashboard.log");
        using var dashboard = ChildProcess.Start("iot-dashboard.dll", Args(await TestDatabase.CreateAsync("dash_otlp"), dir.Path, FreePort.Next(), new()
        {
            ["OpenTelemetry:Otlp:Endpoint"] = endpoint,
        }), log);

        await dashboard.WaitForLineAsync(line => line.Contains("OpenTelemetry:Otlp:Endpoint", StringComparison.Ordinal), Timeout, "the key to be named");
        await Eventually.WaitAsync(() => Task.FromResult(dashboard.HasExited), Timeout, "the dashboard to exit");
        Assert.Equal(2, dashboard.ExitCode);
        var text = dashboard.Tail(50);
        Assert.Contains("iot-dashboard: invalid configuration:", text, StringComparison.Ordinal);
        // A credential in a mistyped address must not end up in a log collector.
        Assert.DoesNotContain("secret", text, StringComparison.Ordinal);
    }

    private static IEnumerable<string> Args(string connectionString, string storage, int port, Dictionary<string, string> extra)
    {
        var args = DashboardFactory.Defaults(connectionString, storage);
        args["urls"] = $"http://127.0.0.1:{port}";
        foreach (var (key, value) in extra)
        {
            args[key] = value;
        }

        return args.Select(a => $"--{a.Key}={a.Value}");
    }
}
