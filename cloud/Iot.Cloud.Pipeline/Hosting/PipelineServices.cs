using Iot.Cloud.Pipeline.Analysis;
using Iot.Cloud.Pipeline.Transcription;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Iot.Cloud.Pipeline.Hosting;

/// <summary>
/// The one place the pipeline's job handlers and engines are registered, so the bridge (in-process workers) and
/// iot-worker run the same set: dialogues → transcription (<c>Pipeline:Transcription</c>, none by default, jobs then
/// wait visibly) → analysis (<c>Pipeline:Analysis</c>, rules by default) → retention.
/// </summary>
public static class PipelineServices
{
    public static IServiceCollection AddPipelineHandlers(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddDialoguePipeline(configuration);
        services.AddTranscription(configuration);
        services.AddAnalysis(configuration);
        services.TryAddSingleton(BuiltInProfiles.Default);
        return services;
    }
}
