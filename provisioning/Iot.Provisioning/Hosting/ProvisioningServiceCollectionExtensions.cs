using Iot.Provisioning.Admin;
using Iot.Provisioning.Alerts;
using Iot.Provisioning.Alerts.Delivery;
using Iot.Provisioning.Api;
using Iot.Provisioning.Fleet;
using Iot.Provisioning.Messaging;
using Iot.Provisioning.Security;
using Iot.Provisioning.Service;
using Iot.Provisioning.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Iot.Provisioning.Hosting;

public static class ProvisioningServiceCollectionExtensions
{
    /// <summary>
    /// Provisioning, operations API, command tracking and fleet summaries, in a host that already registers an
    /// <see cref="Npgsql.NpgsqlDataSource"/> (the bridge). Broker settings default to the host's <c>Broker</c> section:
    /// loopback in Embedded mode, <c>Broker:Host</c> with shared subscriptions in External mode.
    /// </summary>
    public static IServiceCollection AddProvisioning(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ProvisioningOptions>()
            .Bind(configuration.GetSection(ProvisioningOptions.Section))
            .PostConfigure(o =>
            {
                var external = string.Equals(configuration["Broker:Mode"], "External", StringComparison.OrdinalIgnoreCase);
                if (string.IsNullOrWhiteSpace(o.BrokerHost))
                {
                    o.BrokerHost = external ? configuration["Broker:Host"] ?? "127.0.0.1" : "127.0.0.1";
                }

                if (o.BrokerPort == 0)
                {
                    o.BrokerPort = configuration.GetValue("Broker:Port", 1883);
                }

                if (string.IsNullOrWhiteSpace(o.ClientId))
                {
                    o.ClientId = o.Username + "." + (configuration["Bridge:InstanceId"] ?? Environment.MachineName.ToLowerInvariant());
                }

                if (configuration[$"{ProvisioningOptions.Section}:UseSharedSubscription"] is null)
                {
                    o.UseSharedSubscription = external;
                }
            })
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<ProvisioningOptions>, ProvisioningOptionsValidator>();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IDeviceSessionControl, NoSessionControl>();
        services.TryAddSingleton<ISecretSealer, NoSecretSealing>();
        services.AddSingleton<ClaimIdentityCache>();
        services.AddSingleton<ProvisioningStore>();
        services.AddSingleton<CredentialIssuer>();
        services.AddSingleton<ProvisioningAnswers>();
        services.AddSingleton<KnownDeviceDecider>();
        services.AddSingleton<ProvisioningDecider>();
        services.AddSingleton<CommandTracker>();
        services.AddSingleton<ReportedConfigTracker>();
        services.AddSingleton<FleetTracker>();
        services.AddSingleton<ProvisioningConnection>();
        services.AddSingleton<IMessagePublisher>(sp => sp.GetRequiredService<ProvisioningConnection>());
        services.AddSingleton<ProvisioningAdmin>();
        services.AddProvisioningApi(configuration);
        services.AddHostedService(sp => sp.GetRequiredService<ProvisioningConnection>());
        services.AddHostedService<CommandSweeper>();
        services.AddSingleton<FleetSummaryPublisher>();
        services.AddHostedService(sp => sp.GetRequiredService<FleetSummaryPublisher>());
        services.AddAlertDelivery(configuration);
        services.AddAlerts(configuration);
        return services;
    }

    /// <summary>
    /// The operator-action API's services (options, callers, <see cref="OperatorActions"/>); the host serves the routes
    /// (<see cref="ProvisioningApiEndpoints.MapProvisioningApi"/>) on its own listener.
    /// </summary>
    public static IServiceCollection AddProvisioningApi(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ProvisioningApiOptions>()
            .Bind(configuration.GetSection(ProvisioningApiOptions.Section))
            .PostConfigure(o =>
            {
                if (string.IsNullOrWhiteSpace(o.TokenFile))
                {
                    o.TokenFile = Path.Combine(configuration["Storage:Root"] ?? "/var/lib/iot-bridge", "provisioning-api.token");
                }
            })
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<ProvisioningApiOptions>, ProvisioningApiOptionsValidator>();
        services.AddSingleton<LocalApiToken>();
        services.AddSingleton<ApiCallers>();
        services.AddSingleton<OperatorActions>();
        services.AddSingleton<JobActions>();
        services.AddSingleton<AlertActions>();
        return services;
    }
}
