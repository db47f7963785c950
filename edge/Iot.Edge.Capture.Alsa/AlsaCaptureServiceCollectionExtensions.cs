using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Iot.Edge.Capture.Alsa;

public static class AlsaCaptureServiceCollectionExtensions
{
    /// <summary>
    /// Registers ALSA capture: options bound from <c>Audio</c> and validated at start-up, the catalog, the shared
    /// counters and <see cref="AlsaCaptureFactory"/>. Nothing touches libasound until a source is created.
    /// </summary>
    public static IServiceCollection AddAlsaCapture(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AlsaCaptureOptions>().Bind(configuration.GetSection(AlsaCaptureOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<AlsaCaptureOptions>, AlsaCaptureOptionsValidator>();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<AlsaCaptureStats>();
        services.TryAddSingleton<AlsaDeviceCatalog>();
        services.TryAddSingleton<AlsaCaptureFactory>();
        return services;
    }
}
