using Iot.Edge.Audio;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Iot.Edge.Capture.Windows;

public static class WasapiCaptureServiceCollectionExtensions
{
    /// <summary>The name <c>Audio:Source</c> takes to record a Windows microphone.</summary>
    public const string SourceName = "wasapi";

    /// <summary>
    /// Registers Windows capture as the <c>wasapi</c> audio source provider: options bound from <c>Audio</c> and
    /// validated at start-up, and <see cref="WasapiCaptureFactory"/>. On other systems the provider reports itself
    /// unavailable, so the agent's configuration check names <c>Audio:Source</c>. No COM object is created until a
    /// source is opened. Needs <see cref="MicStatus"/> and an <see cref="Microsoft.Extensions.Logging.ILoggerFactory"/> registered.
    /// </summary>
    public static IServiceCollection AddWasapiCapture(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<WasapiCaptureOptions>().Bind(configuration.GetSection(WasapiCaptureOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<WasapiCaptureOptions>, WasapiCaptureOptionsValidator>();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<WasapiCaptureFactory>();
        services.AddSingleton<IAudioSourceProvider>(sp => new AudioSourceProvider(
            SourceName,
            () => sp.GetRequiredService<WasapiCaptureFactory>().CreateSource(sp.GetRequiredService<MicStatus>()),
            OperatingSystem.IsWindows() ? null : "WASAPI exists only on Windows"));
        return services;
    }
}
