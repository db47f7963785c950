using System.Collections.Concurrent;
using System.Net;

namespace Iot.TestSupport;

/// <summary>
/// A real OTLP/HTTP receiver (HttpListener) for tests: accepts <c>POST /v1/traces</c> and <c>/v1/metrics</c> with
/// <c>application/x-protobuf</c> bodies, as an OpenTelemetry Collector does on port 4318, and decodes the trace
/// requests' spans. Programs under test are pointed at it with <c>OpenTelemetry:Otlp:Endpoint</c> = <see cref="Url"/>.
/// </summary>
public sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly HttpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private long _metricRequests;

    public OtlpReceiver()
    {
        (_listener, Url) = LoopbackHttpListener.Start();
        _loop = Task.Run(LoopAsync);
    }

    public string Url { get; }

    public ConcurrentQueue<OtlpSpan> Spans { get; } = new();

    /// <summary>Requests that could not be decoded or came to an unknown path; a test asserts it stays empty.</summary>
    public ConcurrentQueue<string> Errors { get; } = new();

    public long MetricRequests => Interlocked.Read(ref _metricRequests);

    public IEnumerable<OtlpSpan> Named(string name) => Spans.Where(s => s.Name == name);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();

        // Close only, not Stop then Close: on Linux, Close after Stop looks the endpoint up again and binds the port anew,
        // which fails with "Address already in use" once another process has taken it (seen in CI).
        _listener.Close();
        try
        {
            await _loop;
        }
        catch (HttpListenerException)
        {
        }
        catch (ObjectDisposedException)
        {
        }

        _stop.Dispose();
    }

    private async Task LoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync().WaitAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or HttpListenerException or ObjectDisposedException)
            {
                return;
            }

            await HandleAsync(context);
        }
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        var request = context.Request;
        using var body = new MemoryStream();
        await request.InputStream.CopyToAsync(body);
        var path = request.Url?.AbsolutePath ?? "";
        var status = 200;
        if (request.HttpMethod != "POST" || request.ContentType?.StartsWith("application/x-protobuf", StringComparison.Ordinal) != true)
        {
            Errors.Enqueue($"{request.HttpMethod} {path} {request.ContentType}");
            status = 415;
        }
        else if (path == "/v1/traces")
        {
            try
            {
                foreach (var span in OtlpTraceDecoder.Decode(body.ToArray()))
                {
                    Spans.Enqueue(span);
                }
            }
            catch (FormatException ex)
            {
                Errors.Enqueue($"{path}: {ex.Message}");
                status = 400;
            }
        }
        else if (path == "/v1/metrics")
        {
            Interlocked.Increment(ref _metricRequests);
        }
        else
        {
            Errors.Enqueue($"POST {path}");
            status = 404;
        }

        // An empty ExportTraceServiceResponse/ExportMetricsServiceResponse is a zero-length protobuf message.
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/x-protobuf";
        context.Response.ContentLength64 = 0;
        context.Response.Close();
    }
}

/// <summary>One received span: ids as lower-case hex, as in a <c>traceparent</c>; attributes of the span and its resource.</summary>
public sealed record OtlpSpan(
    string TraceId,
    string SpanId,
    string? ParentSpanId,
    string Name,
    int Kind,
    IReadOnlyDictionary<string, object?> Attributes,
    IReadOnlyDictionary<string, object?> Resource,
    IReadOnlyList<string> Events,
    int StatusCode)
{
    public string? ServiceName => Resource.GetValueOrDefault("service.name") as string;

    public string? Attribute(string key) => Attributes.GetValueOrDefault(key)?.ToString();
}
