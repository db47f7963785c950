using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Iot.Cloud.Pipeline.Analysis;

public static class AnalysisServiceCollectionExtensions
{
    /// <summary>Binds and validates <c>Pipeline:Analysis</c> and registers the configured <see cref="IAnalyzer"/> (rules unless set to llm or hybrid).</summary>
    public static IServiceCollection AddAnalysis(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(AnalysisOptions.Section);
        services.AddOptions<AnalysisOptions>().Bind(section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<AnalysisOptions>, AnalysisOptionsValidator>();
        services.TryAddSingleton(TimeProvider.System);
        if (section[nameof(AnalysisOptions.Engine)] == LlmAnalyzer.EngineName)
        {
            services.AddSingleton<IAnalyzer, LlmAnalyzer>();
        }
        else if (section[nameof(AnalysisOptions.Engine)] == Hybrid.HybridAnalyzer.EngineName)
        {
            services.TryAddSingleton<PipelineMetrics>();
            services.TryAddSingleton<Hybrid.HybridMetrics>();
            services.AddSingleton<IAnalyzer, Hybrid.HybridAnalyzer>();
        }
        else
        {
            services.AddSingleton<IAnalyzer, RuleAnalyzer>();
        }

        return services;
    }
}
