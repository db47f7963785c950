using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Iot.Edge.Agent.Transcription;

public static class TranscriptionServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="ITranscriptionQueue"/>: the Whisper worker when <c>Transcription:Enabled</c> is true
    /// (its model is loaded during host start-up), a no-op otherwise, so nothing of Whisper loads on devices without it.
    /// </summary>
    public static IServiceCollection AddTranscription(this IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection(TranscriptionOptions.Section);
        services.AddOptions<TranscriptionOptions>().Bind(section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<TranscriptionOptions>, TranscriptionOptionsValidator>();
        services.AddSingleton<TranscriptionStats>();
        if (section.GetValue<bool>(nameof(TranscriptionOptions.Enabled)))
        {
            services.AddSingleton<TranscriptionWorker>();
            services.AddSingleton<ITranscriptionQueue>(sp => sp.GetRequiredService<TranscriptionWorker>());
            services.AddHostedService(sp => sp.GetRequiredService<TranscriptionWorker>());
        }
        else
        {
            services.AddSingleton<ITranscriptionQueue, DisabledTranscription>();
        }

        return services;
    }
}
