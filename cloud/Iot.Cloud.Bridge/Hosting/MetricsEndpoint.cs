using System.Net;
using System.Reflection;
using Iot.Cloud.Bridge.Ingest;
using Iot.Cloud.Pipeline.Jobs;
using Iot.Protocol.Metrics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Iot.Cloud.Bridge.Hosting;

/// <summary>
/// <c>GET /metrics</c> (ingest counters, and job counters when workers run in this process) and <c>GET /health</c>
/// (200 while the broker session is up, 503 otherwise) on a small Kestrel, so operators scrape the bridge instead of
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
    private WebApplication? _app;

    /// <summary>Where Kestrel listens; empty when disabled or not bound.</summary>
    public IReadOnlyList<string> Addresses { get; private set; } = [];

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        if (!o.Enabled)
        {
            return;
        }

        // Empty builder: no appsettings, no ASPNETCORE_ variables; the bridge's configuration rules.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Services.AddSingleton(loggerFactory);
        builder.Services.AddRoutingCore();
        builder.WebHost.UseKestrelCore().ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Listen(IPAddress.Parse(o.ListenAddress), o.Port);
        });
        var app = builder.Build();
        app.MapGet("/metrics", () => Results.Text(Render(), PrometheusText.ContentType));
        app.MapGet("/health", () => connection.IsConnected
            ? Results.Json(new { status = "ok", broker = "connected", instance = bridge.Value.InstanceId, version = Version })
            : Results.Json(new { status = "degraded", broker = "disconnected", instance = bridge.Value.InstanceId, version = Version }, statusCode: StatusCodes.Status503ServiceUnavailable));
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException)
        {
            LogBindFailed(ex, o.ListenAddress, o.Port);
            await app.DisposeAsync().ConfigureAwait(false);
            return;
        }

        _app = app;
        Addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.ToList() ?? [];
        LogListening(string.Join(", ", Addresses));
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_app is not null)
        {
            await _app.StopAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync().ConfigureAwait(false);
            _app = null;
        }
    }

    private string Render()
    {
        var text = BridgeMetricsText.Render(ingest, connection.IsConnected, bridge.Value.InstanceId, Version);
        return services.GetService<JobMetrics>() is { } jobs ? text + JobMetricsText.Render(jobs.Snapshot(), jobs.Depth) : text;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Metrics endpoint listening on {Addresses} (/metrics, /health)")]
    private partial void LogListening(string addresses);

    [LoggerMessage(Level = LogLevel.Error, Message = "Metrics endpoint not started: cannot listen on {Address}:{Port} (Metrics:Port); the bridge keeps ingesting. Free the port or change Metrics:Port")]
    private partial void LogBindFailed(Exception exception, string address, int port);
}
