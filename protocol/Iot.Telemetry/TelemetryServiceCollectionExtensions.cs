using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Iot.Telemetry;

/// <summary>What one program exports: its service name, its activity sources and meters, and extra resource attributes.</summary>
public sealed record TelemetryRegistration(string ServiceName, string ServiceVersion, string ServiceInstanceId)
{
    public IReadOnlyList<string> Sources { get; init; } = [];

    public IReadOnlyList<string> Meters { get; init; } = [];

    public IReadOnlyDictionary<string, object> ResourceAttributes { get; init; } = new Dictionary<string, object>();

    /// <summary>Instrumentation libraries the program adds (e.g. ASP.NET Core in the dashboard).</summary>
    public Action<TracerProviderBuilder>? ConfigureTracing { get; init; }
}

public static class TelemetryServiceCollectionExtensions
{
    /// <summary>
    /// Registers the OpenTelemetry SDK with OTLP exporters for traces and metrics when <paramref name="settings"/> is not
    /// null; otherwise nothing, so a program without an endpoint creates no spans and pays nothing.
    /// </summary>
    public static IServiceCollection AddOtlpTelemetry(this IServiceCollection services, TelemetrySettings? settings, TelemetryRegistration registration)
    {
        ArgumentNullException.ThrowIfNull(registration);
        if (settings is null)
        {
            return services;
        }

        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource
                .AddService(registration.ServiceName, serviceVersion: registration.ServiceVersion, serviceInstanceId: settings.ServiceInstanceId ?? registration.ServiceInstanceId)
                .AddAttributes(registration.ResourceAttributes))
            .WithTracing(tracing =>
            {
                tracing.AddSource([.. registration.Sources]);
                registration.ConfigureTracing?.Invoke(tracing);
                tracing.AddOtlpExporter(exporter =>
                {
                    settings.Apply(exporter, "traces");
                    exporter.BatchExportProcessorOptions.ScheduledDelayMilliseconds = settings.ExportIntervalMilliseconds;
                });
            })
            .WithMetrics(metrics => metrics
                .AddMeter([.. registration.Meters])
                .AddOtlpExporter((exporter, reader) =>
                {
                    settings.Apply(exporter, "metrics");
                    reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = settings.ExportIntervalMilliseconds;
                }));
        return services;
    }
}
