using Iot.Cloud.Data;
using Iot.Cloud.Hosting;
using Iot.Cloud.Hosting.Health;
using Iot.Cloud.Pipeline.Hosting;
using Iot.Cloud.Pipeline.Jobs;
using Iot.Cloud.Pipeline.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Iot.Cloud.Worker.Hosting;

/// <summary>
/// Composes iot-worker: health probes (<c>Worker:Health</c>), schema check/migration, then the job workers with every pipeline handler. Returns the builder
/// so a program or test can register more handlers before building.
/// </summary>
public static class WorkerHost
{
    public static HostApplicationBuilder CreateBuilder(string[] args, IDictionary<string, string?>? overrides = null)
    {
        var builder = CloudHost.CreateBuilder("iot-worker", args, overrides);
        AddWorker(builder.Services, builder.Configuration);
        CloudHost.AddTelemetry(
            builder,
            "iot-worker",
            builder.Configuration[$"{JobWorkerOptions.Section}:WorkerId"] ?? new JobWorkerOptions().WorkerId,
            [JobTracing.SourceName],
            [JobMetrics.MeterName]);
        return builder;
    }

    public static void AddWorker(IServiceCollection services, IConfiguration configuration)
    {
        services.AddCloudDatabase(configuration);
        services.AddOptions<WorkerHealthOptions>().Bind(configuration.GetSection(WorkerHealthOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<WorkerHealthOptions>, WorkerHealthOptionsValidator>();
        services.AddCloudHealthChecks()
            .AddAudioStoreCheck(PipelineStorageOptions.Section);

        // Registration order is start order: health first so probes answer during the migration; the schema must
        // exist before a worker claims anything.
        services.AddSingleton<HealthEndpoint>();
        services.AddHostedService(sp => sp.GetRequiredService<HealthEndpoint>());
        services.AddHostedService<SchemaMigration>();
        services.AddPipelineHandlers(configuration);
        services.AddJobWorkers(configuration);
    }
}
