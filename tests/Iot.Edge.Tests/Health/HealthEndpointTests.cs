using System.Globalization;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Text.Json;
using Iot.Edge.Agent.Health;
using Iot.Edge.Agent.Hosting;
using Iot.Edge.Agent.Outbox;
using Iot.Edge.Agent.Recording;
using Iot.Edge.Tests.Hosting;
using Iot.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Iot.Edge.Tests.Health;

/// <summary>
/// The real agent (WAV source, real outbox, no broker) with its loopback endpoint on a free port, asked over real HTTP.
/// The 3.27 s file makes four 1 s chunks that stay in the outbox, so the device is offline with a backlog.
/// </summary>
public sealed class HealthEndpointTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };

    public void Dispose()
    {
        _http.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public async Task Health_reports_microphone_recorder_outbox_and_uplink_state_as_json()
    {
        await using var agent = await StartAgentAsync();
        agent.Host.Services.GetRequiredService<AgentConditions>().VadEngine = "silero-v5";

        using var response = await _http.GetAsync(agent.Url("/health"));
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = json.RootElement;
        var stats = agent.Host.Services.GetRequiredService<ChunkOutbox>().GetStats();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        Assert.Equal("ok", root.GetProperty("status").GetString());
        Assert.Equal("offlineWithBacklog", root.GetProperty("condition").GetString());
        Assert.Equal(["offlineWithBacklog", "idle"], root.GetProperty("conditions").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(3, root.GetProperty("healthCode").GetInt32());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("micState").ValueKind);
        Assert.False(root.GetProperty("recording").GetBoolean());
        Assert.False(string.IsNullOrEmpty(root.GetProperty("recordingReason").GetString()));
        Assert.Equal(0, root.GetProperty("chunksLost").GetInt64());
        Assert.Equal(4, root.GetProperty("chunksSealed").GetInt64());
        Assert.False(root.GetProperty("connected").GetBoolean());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("broker").ValueKind);
        Assert.Equal(0, root.GetProperty("brokerFailovers").GetInt64());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("lastAckUtc").ValueKind);
        Assert.Equal(4, root.GetProperty("outboxDepth").GetInt32());
        Assert.Equal(stats.PendingBytes, root.GetProperty("outboxBytes").GetInt64());
        Assert.InRange(root.GetProperty("oldestPendingAgeSeconds").GetDouble(), 0, 120);
        Assert.InRange(root.GetProperty("spoolUsageBytes").GetInt64(), stats.PendingBytes + 1, long.MaxValue);
        Assert.Equal("silero-v5", root.GetProperty("vadEngine").GetString());
        Assert.Equal(AgentVersion.Current, root.GetProperty("version").GetString());
        Assert.InRange(root.GetProperty("uptimeSeconds").GetDouble(), 0.001, 120);
        Assert.Empty(root.GetProperty("faults").EnumerateArray());
    }

    [Fact]
    public async Task Metrics_are_prometheus_text_that_the_prometheus_client_parser_reads()
    {
        await using var agent = await StartAgentAsync();

        using var response = await _http.GetAsync(agent.Url("/metrics"));
        var body = await response.Content.ReadAsStringAsync();
        var parsed = await ParseWithPrometheusClientAsync(body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        Assert.Contains("counter iot_agent_chunks_sealed_total  4.0", parsed);
        Assert.Contains("counter iot_agent_chunks_acked_total  0.0", parsed);
        Assert.Contains("counter iot_agent_chunks_lost_total  0.0", parsed);
        Assert.Contains("counter iot_agent_ack_timeouts_total  0.0", parsed);
        Assert.Contains("gauge iot_agent_outbox_depth  4.0", parsed);
        Assert.Contains("gauge iot_agent_mqtt_connected  0.0", parsed);
        Assert.Contains("counter iot_agent_mqtt_failovers_total  0.0", parsed);
        Assert.DoesNotContain(parsed, l => l.Contains("iot_agent_mqtt_broker_info", StringComparison.Ordinal));
        Assert.Contains("gauge iot_agent_chunks_quarantined  0.0", parsed);
        Assert.Contains("gauge iot_agent_condition condition=offlineWithBacklog 1.0", parsed);
        Assert.Contains("gauge iot_agent_condition condition=error 0.0", parsed);
        Assert.Contains($"gauge iot_agent_info vad_engine=silero,version={AgentVersion.Current} 1.0", parsed); // the test build has the Silero model
        Assert.Single(parsed, l => l.StartsWith("gauge iot_agent_outbox_bytes  ", StringComparison.Ordinal) && l != "gauge iot_agent_outbox_bytes  0.0");
        Assert.Single(parsed, l => l.StartsWith("gauge iot_agent_uptime_seconds  ", StringComparison.Ordinal));
        Assert.DoesNotContain(parsed, l => l.Contains("iot_agent_mic_state", StringComparison.Ordinal));

        // Format details the parser forgives but Prometheus' own scraper does not.
        var lines = body.Split('\n');
        Assert.Equal("", lines[^1]);
        foreach (var sample in lines.Where(l => l.Length > 0 && !l.StartsWith('#')))
        {
            Assert.Contains($"# TYPE {sample.Split('{', ' ')[0]} ", body, StringComparison.Ordinal);
            Assert.Matches(@"^[a-z_:][a-z0-9_:]*(\{[a-z_]+=""[^""]*""(,[a-z_]+=""[^""]*"")*\})? [-+0-9.eE]+(NaN|Inf)?$", sample);
        }
    }

    [Fact]
    public async Task A_missing_microphone_makes_health_answer_503_and_metrics_show_it()
    {
        // Real ALSA on a machine without that microphone: the capture source reports it missing and keeps waiting.
        await using var agent = await StartAgentAsync(
            tweak: s =>
            {
                s["Audio:Source"] = "alsa";
                s["Audio:Alsa:Device"] = "no-such-mic";
            },
            waitForSourceEnd: false);

        await Eventually.WaitAsync(
            async () => (await (await _http.GetAsync(agent.Url("/health"))).Content.ReadAsStringAsync()).Contains("\"micError\":\"", StringComparison.Ordinal),
            TimeSpan.FromSeconds(30),
            "the capture source to have looked for the microphone",
            async () => await (await _http.GetAsync(agent.Url("/health"))).Content.ReadAsStringAsync());
        using var health = await _http.GetAsync(agent.Url("/health"));
        using var json = JsonDocument.Parse(await health.Content.ReadAsStringAsync());
        var metrics = await _http.GetStringAsync(agent.Url("/metrics"));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        Assert.Equal("error", json.RootElement.GetProperty("status").GetString());
        Assert.Equal("micMissing", json.RootElement.GetProperty("condition").GetString());
        Assert.Equal(4, json.RootElement.GetProperty("healthCode").GetInt32());
        Assert.Equal("missing", json.RootElement.GetProperty("micState").GetString());
        Assert.Contains("no capture device", json.RootElement.GetProperty("micError").GetString(), StringComparison.Ordinal);
        Assert.Contains("iot_agent_mic_state{state=\"missing\"} 1\n", metrics, StringComparison.Ordinal);
        Assert.Contains("iot_agent_mic_state{state=\"streaming\"} 0\n", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_raised_fault_makes_health_answer_503_and_clearing_it_restores_200()
    {
        await using var agent = await StartAgentAsync();
        var conditions = agent.Host.Services.GetRequiredService<AgentConditions>();

        conditions.RaiseFault("vad", "model file missing");
        using var failing = await _http.GetAsync(agent.Url("/health"));
        using var json = JsonDocument.Parse(await failing.Content.ReadAsStringAsync());
        conditions.ClearFault("vad");
        using var recovered = await _http.GetAsync(agent.Url("/health"));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, failing.StatusCode);
        Assert.Equal("error", json.RootElement.GetProperty("condition").GetString());
        Assert.Equal(5, json.RootElement.GetProperty("healthCode").GetInt32());
        Assert.Equal(["vad: model file missing"], json.RootElement.GetProperty("faults").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(HttpStatusCode.OK, recovered.StatusCode);
    }

    [Fact]
    public async Task The_endpoint_listens_on_127_0_0_1_only()
    {
        await using var agent = await StartAgentAsync();
        var web = agent.Host.Services.GetServices<IHostedService>().OfType<AgentWebHost>().Single();

        Assert.Equal([$"http://127.0.0.1:{agent.Port}"], web.Addresses);
        Assert.Equal(HttpStatusCode.OK, (await _http.GetAsync($"http://127.0.0.1:{agent.Port}/health")).StatusCode);
        var elsewhere = NetworkInterface.GetAllNetworkInterfaces()
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Select(a => a.Address)
            .Where(a => !IPAddress.IsLoopback(a) && a.AddressFamily is AddressFamily.InterNetwork or AddressFamily.InterNetworkV6)
            .Append(IPAddress.IPv6Loopback)
            .ToList();
        foreach (var address in elsewhere)
        {
            using var client = new TcpClient(address.AddressFamily);
            var ex = await Assert.ThrowsAnyAsync<SocketException>(() => client.ConnectAsync(address, agent.Port).WaitAsync(TimeSpan.FromSeconds(5)));
            Assert.NotEqual(SocketError.Success, ex.SocketErrorCode);
        }
    }

    [Fact]
    public async Task A_health_port_already_taken_leaves_the_agent_recording_without_the_endpoint()
    {
        using var squatter = new TcpListener(IPAddress.Loopback, 0);
        squatter.Start();
        var port = ((IPEndPoint)squatter.LocalEndpoint).Port;

        await using var agent = await StartAgentAsync(port: port);
        var web = agent.Host.Services.GetServices<IHostedService>().OfType<AgentWebHost>().Single();

        Assert.Equal(4, agent.Host.Services.GetRequiredService<RecorderStatus>().ChunksSealed);
        Assert.Empty(web.Addresses);
    }

    [Fact]
    public async Task A_disabled_endpoint_opens_no_port()
    {
        await using var agent = await StartAgentAsync(tweak: s => s["Health:Enabled"] = "false");

        using var client = new TcpClient();
        await Assert.ThrowsAnyAsync<SocketException>(() => client.ConnectAsync(IPAddress.Loopback, agent.Port));
    }

    private async Task<RunningAgent> StartAgentAsync(Action<Dictionary<string, string?>>? tweak = null, int? port = null, bool waitForSourceEnd = true)
    {
        var settings = await AgentHostTests.ValidSettingsAsync(_dir);
        var p = port ?? FreePort.Next();
        settings["Health:Port"] = p.ToString(CultureInfo.InvariantCulture);
        settings["Health:BootGraceSeconds"] = "0";
        tweak?.Invoke(settings);
        var host = AgentHost.CreateBuilder([], settings).Build();
        await host.StartAsync();
        if (waitForSourceEnd)
        {
            await host.Services.GetRequiredService<RecorderStatus>().SourceFinished.Task.WaitAsync(TimeSpan.FromSeconds(60));
        }

        return new RunningAgent(host, p);
    }

    private static async Task<IReadOnlyList<string>> ParseWithPrometheusClientAsync(string body)
    {
        var file = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(file, body);
            // Debian's python3-prometheus-client installs into the system interpreter, not into a pyenv or venv one.
            var result = await ExternalTool.RunAsync("/usr/bin/python3", ["-c", ParserScript, file]);
            Assert.True(result.ExitCode == 0, "prometheus_client could not parse /metrics: " + result.StdErr);
            return result.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        }
        finally
        {
            File.Delete(file);
        }
    }

    private const string ParserScript = """
        import sys
        try:
            from prometheus_client.parser import text_string_to_metric_families
        except ImportError:
            sys.exit("python3-prometheus-client is not installed; run tests/test.sh (apt-get install python3-prometheus-client)")
        for family in text_string_to_metric_families(open(sys.argv[1]).read()):
            for s in family.samples:
                labels = ",".join(f"{k}={v}" for k, v in sorted(s.labels.items()))
                print(f"{family.type} {s.name} {labels} {s.value!r}")
        """;

    private sealed record RunningAgent(IHost Host, int Port) : IAsyncDisposable
    {
        public string Url(string path) => $"http://127.0.0.1:{Port}{path}";

        public async ValueTask DisposeAsync()
        {
            await Host.StopAsync();
            Host.Dispose();
        }
    }
}
