using System.Reflection;
using Iot.Cloud.Bridge.Ingest;
using Iot.Cloud.Hosting;
using Iot.Cloud.Hosting.Health;
using Iot.Cloud.Pipeline.Jobs;
using Iot.Telemetry.Metrics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Iot.Cloud.Bridge.Hosting;

/// <summary>
/// <c>GET /metrics</c> (ingest counters, alert and fleet gauges, and job counters when workers run in this process), <c>GET /health</c>
/// (200 while the broker session is up, 503 otherwise) and <c>GET /health/live</c> / <c>GET /health/ready</c>
/// (<see cref="HealthProbes"/>: database reachable and migrated, broker session, storage writable) on a small Kestrel, so operators scrape the bridge instead of
/// reading its once-a-minute log line. A port that cannot be bound is logged and the bridge keeps ingesting.
/// </summary>
internal sealed partial class MetricsEndpoint(
    IngestMetrics ingest,
    BridgeConnection connection,
    IServiceProvider services,
    IOptions<MetricsEndpointOptions> options,
    IOptions<BridgeOptions> bridge,
    ILoggerFactory loggerFactory,
    ILogger<MetricsEndpoint> logger) : IHostedService, IAsyncDisposable
{
    private static readonly string Version = typeof(MetricsEndpoint).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
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

    public Task StopAsync(CancellationToken cancellationToken) => _listener.StopAsync(cancellationToken);

    public ValueTask DisposeAsync() => _listener.DisposeAsync();

    private void Map(WebApplication app)
    {
        app.MapGet("/metrics", async (CancellationToken ct) => Results.Text(await RenderAsync(ct).ConfigureAwait(false), PrometheusText.ContentType));

        // Kept as it was for existing scrapers and scripts: the broker session only. /health/ready is the full answer.
        app.MapGet("/health", () => connection.IsConnected
            ? Results.Json(new { status = "ok", broker = "connected", instance = bridge.Value.InstanceId, version = Version })
            : Results.Json(new { status = "degraded", broker = "disconnected", instance = bridge.Value.InstanceId, version = Version }, statusCode: StatusCodes.Status503ServiceUnavailable));
        app.MapHealthProbes(services.GetRequiredService<HealthCheckService>());
    }

    private async Task<string> RenderAsync(CancellationToken ct)
    {
        var text = BridgeMetricsText.Render(ingest, connection.IsConnected, bridge.Value.InstanceId, Version);
        text += services.GetService<Iot.Provisioning.Alerts.AlertMetrics>()?.Render();
        if (services.GetService<Iot.Provisioning.Alerts.FleetMetrics>() is { } fleet)
        {
            text += await fleet.RenderAsync(ct).ConfigureAwait(false);
        }

        return services.GetService<JobMetrics>() is { } jobs ? text + JobMetricsText.Render(jobs.Snapshot(), jobs.Depth) : text;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Metrics endpoint listening on {Addresses} (/metrics, /health, /health/live, /health/ready)")]
    private partial void LogListening(string addresses);

    [LoggerMessage(Level = LogLevel.Error, Message = "Metrics endpoint not started: cannot listen on {Address}:{Port} (Metrics:Port); the bridge keeps ingesting. Free the port or change Metrics:Port")]
    private partial void LogBindFailed(Exception exception, string address, int port);
}
