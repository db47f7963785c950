using Iot.Edge.Agent.Health;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Iot.Edge.Agent.Gpio;

public static class GpioServiceCollectionExtensions
{
    /// <summary>Status LED, buzzer and button (section <c>Gpio</c>); needs the agent's core services.</summary>
    public static IServiceCollection AddAgentGpio(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddAgentHealthProbe(configuration);
        services.AddOptions<GpioOptions>().Bind(configuration.GetSection(GpioOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<GpioOptions>, GpioOptionsValidator>();
        services.TryAddSingleton<IGpioControllerFactory, SystemGpioControllerFactory>();
        services.TryAddSingleton<IReprovisionRequest, ReprovisionRequest>();
        services.TryAddSingleton<HealthCodeBlinkRequest>();
        services.AddHostedService<StatusLedService>();
        return services;
    }
}
