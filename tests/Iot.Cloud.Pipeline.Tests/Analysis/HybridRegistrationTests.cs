using Iot.Cloud.Pipeline.Analysis;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Iot.Cloud.Pipeline.Tests.Analysis;

public sealed class HybridRegistrationTests
{
    private static readonly Dictionary<string, string?> Hybrid = new()
    {
        ["Pipeline:Analysis:Engine"] = "hybrid",
        ["Pipeline:Analysis:BaseUrl"] = "http://127.0.0.1:9",
        ["Pipeline:Analysis:Model"] = "m",
    };

    [Fact]
    public void The_hybrid_engine_is_registered_when_configured_and_names_rules_and_model_in_its_version()
    {
        using var provider = Build(Hybrid);

        var analyzer = Assert.Single(provider.GetServices<IAnalyzer>());
        Assert.Equal("hybrid", analyzer.Engine);
        Assert.Equal("hybrid/rules-6+m", Assert.IsType<Pipeline.Analysis.Hybrid.HybridAnalyzer>(analyzer).EngineVersion);
    }

    [Theory]
    [InlineData("Hybrid:MaxCandidates", "0", "Pipeline:Analysis:Hybrid:MaxCandidates 0 must be 1..50")]
    [InlineData("Hybrid:MaxUtteranceChars", "10", "Pipeline:Analysis:Hybrid:MaxUtteranceChars 10 must be 40..4000")]
    [InlineData("Model", "", "Pipeline:Analysis:Model must be set when Pipeline:Analysis:Engine is 'hybrid'")]
    [InlineData("BaseUrl", "llm.local", "Pipeline:Analysis:BaseUrl 'llm.local' must be an absolute http(s) URL such as https://api.openai.com when Pipeline:Analysis:Engine is 'hybrid'")]
    public void A_bad_hybrid_setting_fails_start_up_validation_naming_its_key(string key, string value, string message)
    {
        using var provider = Build(new(Hybrid) { [$"Pipeline:Analysis:{key}"] = value });

        var e = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<AnalysisOptions>>().Value);

        Assert.Contains(message, e.Failures);
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection().AddLogging(l => l.ClearProviders()).AddAnalysis(configuration).BuildServiceProvider();
    }
}
