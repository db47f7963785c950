using Iot.Cloud.Data;
using Iot.Cloud.Pipeline.Jobs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Iot.Cloud.Pipeline.Hosting;

public static class JobServiceCollectionExtensions
{
    /// <summary>The producer side (<see cref="IJobQueue"/>) and queue statistics; needs only the <c>Database</c> section.</summary>
    public static IServiceCollection AddJobQueue(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddCloudDatabase(configuration);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<PostgresJobQueue>();
        services.TryAddSingleton<IJobQueue>(sp => sp.GetRequiredService<PostgresJobQueue>());
        services.TryAddSingleton<JobQueueStats>();
        services.TryAddSingleton<JobMetrics>();
        return services;
    }

    /// <summary>
    /// The <c>Pipeline:Workers</c> job workers, running the <see cref="IJobHandler"/>s registered in this container.
    /// Register after the schema migration's hosted service: hosted services start in registration order.
    /// </summary>
    public static IServiceCollection AddJobWorkers(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddJobQueue(configuration);
        services.AddOptions<JobWorkerOptions>().Bind(configuration.GetSection(JobWorkerOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<JobWorkerOptions>, JobWorkerOptionsValidator>());
        services.AddHostedService<JobWorker>();
        services.AddHostedService<JobMetricsReporter>();
        services.AddHostedService<WaitingJobReviver>();
        return services;
    }
}
