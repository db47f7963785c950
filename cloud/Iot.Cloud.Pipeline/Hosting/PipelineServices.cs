using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Iot.Cloud.Pipeline.Hosting;

/// <summary>
/// The one place the pipeline's job handlers are registered, so the bridge (in-process workers) and iot-worker run
/// the same set. Handlers are <c>services.AddSingleton&lt;IJobHandler, ...&gt;()</c>; the workers dispatch by kind.
/// </summary>
public static class PipelineServices
{
    public static IServiceCollection AddPipelineHandlers(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);

        // Dialogue building, transcription, analysis and retention register their handlers here (issue #5).
        return services;
    }
}
