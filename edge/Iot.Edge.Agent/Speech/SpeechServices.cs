using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Iot.Edge.Agent.Speech;

public static class SpeechServices
{
    /// <summary>Binds and validates section <c>Vad</c> at start-up and registers the detector factory.</summary>
    public static IServiceCollection AddSpeechDetection(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<VadOptions>().Bind(configuration.GetSection(VadOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<VadOptions>, VadOptionsValidator>();
        services.AddSingleton<SpeechDetectorFactory>();
        return services;
    }
}
