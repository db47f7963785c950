using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Iot.Edge.Agent.Health;

public static class HealthServiceCollectionExtensions
{
    /// <summary>The loopback web host with <c>/health</c> and <c>/metrics</c>; needs the agent's core services.</summary>
    public static IServiceCollection AddAgentHealth(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddAgentHealthProbe(configuration);
        services.AddSingleton(new AgentEndpoints(static (endpoints, sp) => endpoints.MapAgentHealth(sp.GetRequiredService<AgentHealthProbe>())));
        services.AddHostedService<AgentWebHost>();
        return services;
    }

    /// <summary>The snapshot source shared by the health endpoint and the status LED; safe to call from both.</summary>
    public static IServiceCollection AddAgentHealthProbe(this IServiceCollection services, IConfiguration configuration)
    {
        if (services.Any(d => d.ServiceType == typeof(AgentHealthProbe)))
        {
            return services;
        }

        services.AddOptions<HealthOptions>().Bind(configuration.GetSection(HealthOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<HealthOptions>, HealthOptionsValidator>());
        services.TryAddSingleton<AgentConditions>();
        services.AddSingleton<AgentHealthProbe>();
        return services;
    }
}
