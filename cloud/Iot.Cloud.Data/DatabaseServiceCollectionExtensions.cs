using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Iot.Cloud.Data;

public static class DatabaseServiceCollectionExtensions
{
    /// <summary>
    /// Validated <c>Database</c> options, one <see cref="NpgsqlDataSource"/> and the migrator. Idempotent, so the
    /// bridge, the job queue and the worker host can each ask for it.
    /// </summary>
    public static IServiceCollection AddCloudDatabase(this IServiceCollection services, IConfiguration configuration)
    {
        if (services.Any(d => d.ServiceType == typeof(NpgsqlDataSource)))
        {
            return services;
        }

        services.AddOptions<DatabaseOptions>().Bind(configuration.GetSection(DatabaseOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DatabaseOptions>, DatabaseOptionsValidator>());
        services.AddSingleton(sp => NpgsqlDataSource.Create(ConnectionStrings.Normalize(sp.GetRequiredService<IOptions<DatabaseOptions>>().Value.ConnectionString)));
        services.TryAddSingleton<DatabaseMigrator>();
        return services;
    }
}
