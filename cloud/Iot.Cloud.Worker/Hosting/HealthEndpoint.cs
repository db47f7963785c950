using Iot.Cloud.Hosting;
using Iot.Cloud.Hosting.Health;
using Iot.Cloud.Pipeline.Jobs;
using Iot.Telemetry.Metrics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Iot.Cloud.Worker.Hosting;

/// <summary>
/// <c>GET /health/live</c> and <c>GET /health/ready</c> (<see cref="HealthProbes"/>) and <c>GET /metrics</c> (job
/// counters and queue depth, <see cref="JobMetricsText"/>, for Prometheus) on a small local listener. Started
/// before the schema migration, so a supervisor sees "live, not ready" while a long migration runs instead of no
/// answer. A port that cannot be bound is logged and the worker keeps working, like the bridge's metrics endpoint.
/// </summary>
internal sealed partial class HealthEndpoint(
    HealthCheckService checks,
    JobMetrics jobs,
    IOptions<WorkerHealthOptions> options,
    ILoggerFactory loggerFactory,
    ILogger<HealthEndpoint> logger) : IHostedService, IAsyncDisposable
{
    private readonly LocalHttpListener _listener = new(loggerFactory);

    /// <summary>Where Kestrel listens; empty when disabled or not bound.</summary>
    public IReadOnlyList<string> Addresses => _listener.Addresses;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        if (!o.Enabled)
        {
            return;
        }

        var failure = await _listener.StartAsync(o.ListenAddress, o.Port, Map, cancellationToken).ConfigureAwait(false);
        if (failure is not null)
        {
            LogBindFailed(failure, o.ListenAddress, o.Port);
            return;
        }

        LogListening(string.Join(", ", Addresses));
    }

    private void Map(WebApplication app)
    {
        app.MapHealthProbes(checks);
        app.MapGet("/metrics", () => Results.Text(
            new PrometheusText().Gauge("iot_worker_up", "1 while this iot-worker process serves metrics.", 1).ToString() + JobMetricsText.Render(jobs.Snapshot(), jobs.Depth),
            PrometheusText.ContentType));
    }

    public Task StopAsync(CancellationToken cancellationToken) => _listener.StopAsync(cancellationToken);

    public ValueTask DisposeAsync() => _listener.DisposeAsync();

    [LoggerMessage(Level = LogLevel.Information, Message = "Health endpoint listening on {Addresses} (/health/live, /health/ready, /metrics)")]
    private partial void LogListening(string addresses);

    [LoggerMessage(Level = LogLevel.Error, Message = "Health endpoint not started: cannot listen on {Address}:{Port} (Worker:Health:Port); the worker keeps working. Free the port or change Worker:Health:Port")]
    private partial void LogBindFailed(Exception exception, string address, int port);
}
