using Iot.Cloud.Pipeline.Analysis;
using Iot.Cloud.Pipeline.Audio;
using Iot.Cloud.Pipeline.Dialogues;
using Iot.Cloud.Pipeline.Jobs;
using Iot.Cloud.Pipeline.Retention;
using Iot.Cloud.Pipeline.Storage;
using Iot.Cloud.Pipeline.Transcription;
using Iot.Cloud.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Iot.Cloud.Pipeline.Hosting;

public static class PipelineServiceCollectionExtensions
{
    /// <summary>
    /// The dialogue → transcript → analysis → retention handlers, their options and the daily retention scheduler.
    /// The host supplies <see cref="Npgsql.NpgsqlDataSource"/>, <see cref="IJobQueue"/> and the workers that dispatch
    /// to <see cref="IJobHandler"/>s; engines register <see cref="ITranscriber"/>, <see cref="IAnalyzer"/> and a default
    /// <see cref="AnalysisProfile"/> (zero or one each; without them jobs wait with a reason).
    /// </summary>
    public static IServiceCollection AddDialoguePipeline(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<DialogueOptions>().Bind(configuration.GetSection(DialogueOptions.Section)).ValidateOnStart();
        services.AddOptions<RetentionOptions>().Bind(configuration.GetSection(RetentionOptions.Section)).ValidateOnStart();
        services.AddOptions<PipelineStorageOptions>().Bind(configuration.GetSection(PipelineStorageOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DialogueOptions>, DialogueOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RetentionOptions>, RetentionOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PipelineStorageOptions>, PipelineStorageOptionsValidator>());

        // A process has one audio store: a bridge registers its own (Storage:*) first and its in-process workers
        // read and delete through it; a worker gets the one Pipeline:Storage describes.
        if (!services.Any(d => d.ServiceType == typeof(IAudioStore)))
        {
            services.AddAudioStore(configuration, PipelineStorageOptions.Section, o => o.Root = PipelineStorageOptions.DefaultRoot);
        }

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<PipelineMetrics>();
        services.TryAddSingleton<EvidenceVerifier>();
        services.TryAddSingleton<DialogueAudioAssembler>();

        services.TryAddSingleton<BuildDialoguesHandler>();
        services.TryAddSingleton<TranscribeHandler>();
        services.TryAddSingleton<AnalyzeHandler>();
        services.TryAddSingleton<ReanalyzeHandler>();
        services.TryAddSingleton<RetentionHandler>();
        services.AddSingleton<IJobHandler>(sp => sp.GetRequiredService<BuildDialoguesHandler>());
        services.AddSingleton<IJobHandler>(sp => sp.GetRequiredService<TranscribeHandler>());
        services.AddSingleton<IJobHandler>(sp => sp.GetRequiredService<AnalyzeHandler>());
        services.AddSingleton<IJobHandler>(sp => sp.GetRequiredService<ReanalyzeHandler>());
        services.AddSingleton<IJobHandler>(sp => sp.GetRequiredService<RetentionHandler>());

        if (configuration.GetValue($"{RetentionOptions.Section}:{nameof(RetentionOptions.SchedulerEnabled)}", true))
        {
            services.TryAddSingleton<RetentionScheduler>();
            services.AddHostedService(sp => sp.GetRequiredService<RetentionScheduler>());
        }

        return services;
    }
}
