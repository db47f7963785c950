using Iot.Cloud.Data;
using Iot.Cloud.Hosting;
using Iot.Cloud.Pipeline.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Iot.Cloud.Worker.Hosting;

/// <summary>
/// Composes iot-worker: schema check/migration, then the job workers with every pipeline handler. Returns the builder
/// so a program or test can register more handlers before building.
/// </summary>
public static class WorkerHost
{
    public static HostApplicationBuilder CreateBuilder(string[] args, IDictionary<string, string?>? overrides = null)
    {
        var builder = CloudHost.CreateBuilder("iot-worker", args, overrides);
        AddWorker(builder.Services, builder.Configuration);
        return builder;
    }

    public static void AddWorker(IServiceCollection services, IConfiguration configuration)
    {
        services.AddCloudDatabase(configuration);

        // Registration order is start order: the schema must exist before a worker claims anything.
        services.AddHostedService<SchemaMigration>();
        services.AddPipelineHandlers(configuration);
        services.AddJobWorkers(configuration);
    }
}
