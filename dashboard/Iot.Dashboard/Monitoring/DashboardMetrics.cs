using System.Diagnostics;
using System.Reflection;
using System.Runtime.CompilerServices;
using Iot.Telemetry.Metrics;

namespace Iot.Dashboard.Monitoring;

/// <summary>
/// The dashboard's numbers for Prometheus (<c>GET /metrics</c>): responses by status class, live streams open by
/// stream, and the process. Labels are fixed sets (four status classes, two streams), so the series count never grows
/// with users or routes.
/// </summary>
public sealed class DashboardMetrics
{
    public const string FleetStream = "fleet";
    public const string AlertStream = "alerts";

    private static readonly string Version = typeof(DashboardMetrics).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
    private static readonly string[] Classes = ["2xx", "3xx", "4xx", "5xx"];
    private readonly long[] _responses = new long[Classes.Length];
    private long _fleetStreams;
    private long _alertStreams;

    public long OpenStreams(string stream) => Interlocked.Read(ref Counter(stream));

    /// <summary>Counts a finished response by status class (1xx and anything odd are not counted).</summary>
    public void OnResponse(int status)
    {
        var i = status / 100 - 2;
        if (i is >= 0 and < 4)
        {
            Interlocked.Increment(ref _responses[i]);
        }
    }

    /// <summary>Passes a live stream through, counting it open until the client goes or the stream ends.</summary>
    public async IAsyncEnumerable<T> Track<T>(string stream, IAsyncEnumerable<T> items, [EnumeratorCancellation] CancellationToken ct = default)
    {
        Interlocked.Increment(ref Counter(stream));
        try
        {
            await foreach (var item in items.WithCancellation(ct).ConfigureAwait(false))
            {
                yield return item;
            }
        }
        finally
        {
            Interlocked.Decrement(ref Counter(stream));
        }
    }

    public string Render()
    {
        using var process = Process.GetCurrentProcess();
        return new PrometheusText()
            .Info("iot_dashboard_info", "Dashboard version; always 1.", ("version", Version))
            .Counters("iot_dashboard_http_responses_total", "HTTP responses by status class.", Classes.Select((c, i) => ((double)Interlocked.Read(ref _responses[i]), new[] { ("code", c) })))
            .Gauges(
                "iot_dashboard_sse_streams_open",
                "Live (server-sent event) streams open, by stream: the Fleet screen and the alert bell.",
                [((double)OpenStreams(FleetStream), [("stream", FleetStream)]), ((double)OpenStreams(AlertStream), [("stream", AlertStream)])])
            .Gauge("process_start_time_seconds", "Unix time the process started.", new DateTimeOffset(process.StartTime.ToUniversalTime()).ToUnixTimeSeconds())
            .Gauge("process_resident_memory_bytes", "Resident set size of the dashboard process.", Environment.WorkingSet)
            .Gauge("dotnet_gc_heap_size_bytes", "Managed heap size after the last garbage collection.", GC.GetGCMemoryInfo().HeapSizeBytes)
            .ToString();
    }

    private ref long Counter(string stream)
    {
        if (stream == FleetStream)
        {
            return ref _fleetStreams;
        }

        if (stream == AlertStream)
        {
            return ref _alertStreams;
        }

        throw new ArgumentOutOfRangeException(nameof(stream), stream, "unknown stream");
    }
}
