using Iot.Cloud.Pipeline.Analysis;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Iot.Cloud.Pipeline.Tests.Analysis;

public sealed class AnalysisRegistrationTests
{
    [Fact]
    public void Without_configuration_the_rule_engine_is_registered()
    {
        using var provider = Build([]);

        Assert.Equal("rules", Assert.Single(provider.GetServices<IAnalyzer>()).Engine);
    }

    [Fact]
    public void The_llm_engine_is_registered_when_configured()
    {
        using var provider = Build(new() { ["Pipeline:Analysis:Engine"] = "llm", ["Pipeline:Analysis:BaseUrl"] = "http://127.0.0.1:9", ["Pipeline:Analysis:Model"] = "m" });

        Assert.Equal("llm", Assert.Single(provider.GetServices<IAnalyzer>()).Engine);
    }

    [Theory]
    [InlineData("Engine", "gpt", "Pipeline:Analysis:Engine 'gpt' must be one of: rules, llm")]
    [InlineData("BaseUrl", "localhost:8080", "Pipeline:Analysis:BaseUrl 'localhost:8080' must be an absolute http(s) URL")]
    [InlineData("Model", "", "Pipeline:Analysis:Model must be set")]
    [InlineData("TimeoutSeconds", "0", "Pipeline:Analysis:TimeoutSeconds 0 must be 1..3600")]
    public void A_bad_setting_fails_validation_with_a_message_starting_with_its_key(string key, string value, string message)
    {
        using var provider = Build(new()
        {
            ["Pipeline:Analysis:Engine"] = "llm",
            ["Pipeline:Analysis:BaseUrl"] = "http://127.0.0.1:9",
            ["Pipeline:Analysis:Model"] = "m",
            [$"Pipeline:Analysis:{key}"] = value,
        });

        var e = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<AnalysisOptions>>().Value);

        Assert.Contains(e.Failures, f => f.StartsWith(message, StringComparison.Ordinal));
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection().AddAnalysis(configuration).BuildServiceProvider();
    }
}
