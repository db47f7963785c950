using Iot.Edge.Agent.Hosting;
using Iot.Edge.Agent.Outbox;
using Iot.Edge.Agent.Recording;
using Iot.Edge.Agent.Uplink;
using Iot.Edge.Audio;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Iot.Edge.Agent.Health;

public static class HealthServiceCollectionExtensions
{
    /// <summary>A file source has no microphone: its never-touched MicStatus must not read as "missing".</summary>
    private static MicStatus? MicToReport(IServiceProvider sp) =>
        sp.GetService<IOptions<AudioOptions>>()?.Value.Source == AudioOptions.WavSource ? null : sp.GetService<MicStatus>();

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
        services.AddSingleton(sp => new AgentHealthProbe(
            sp.GetRequiredService<ChunkOutbox>(),
            sp.GetRequiredService<RecorderStatus>(),
            sp.GetRequiredService<UplinkStatus>(),
            sp.GetRequiredService<AgentConditions>(),
            sp.GetRequiredService<IOptions<HealthOptions>>(),
            sp.GetRequiredService<TimeProvider>(),
            MicToReport(sp)));
        return services;
    }
}
