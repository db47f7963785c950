using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Iot.Cloud.Pipeline.Transcription;

public static class TranscriptionServiceCollectionExtensions
{
    /// <summary>
    /// Binds and validates <c>Pipeline:Transcription</c> and registers exactly the configured <see cref="ITranscriber"/>
    /// as a singleton. With <c>Engine=none</c> nothing is registered, which the transcribe handler reads as "wait".
    /// </summary>
    public static IServiceCollection AddTranscription(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(TranscriptionOptions.Section);
        services.AddOptions<TranscriptionOptions>().Bind(section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<TranscriptionOptions>, TranscriptionOptionsValidator>();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<Biasing.TenantProfileCache>();
        switch (section[nameof(TranscriptionOptions.Engine)] ?? TranscriptionOptions.None)
        {
            case WhisperNetTranscriber.EngineName:
                services.AddSingleton<ITranscriber, WhisperNetTranscriber>();
                break;
            case OpenAiTranscriber.EngineName:
                services.AddSingleton<ITranscriber, OpenAiTranscriber>();
                break;
            case PocketSphinxTranscriber.EngineName:
                services.AddSingleton<ITranscriber, PocketSphinxTranscriber>();
                break;
        }

        return services;
    }
}
