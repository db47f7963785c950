using Iot.Provisioning.Fleet;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Iot.Provisioning.Alerts;

public static class AlertServiceCollectionExtensions
{
    /// <summary>
    /// Device health persistence and the alert evaluator (issue 17 item 1), in a host that registers an
    /// <see cref="Npgsql.NpgsqlDataSource"/> and <see cref="FleetTracker"/> (the bridge, through AddProvisioning). A host
    /// with certificates to watch registers its <see cref="ICertificateExpirySource"/> before or after this call.
    /// </summary>
    public static IServiceCollection AddAlerts(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AlertOptions>().Bind(configuration.GetSection(AlertOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<AlertOptions>, AlertOptionsValidator>();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ICertificateExpirySource, NoCertificates>();
        services.AddSingleton<AlertMetrics>();
        services.AddSingleton<FleetMetrics>();
        services.AddSingleton<DeviceHealthWriter>();
        services.AddHostedService(sp => sp.GetRequiredService<DeviceHealthWriter>());
        services.AddSingleton<AlertEvaluator>();
        services.AddHostedService(sp => sp.GetRequiredService<AlertEvaluator>());
        return services;
    }
}
