using Iot.Cloud.Pipeline.Transcription;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Iot.Cloud.Pipeline.Tests.Transcription;

public sealed class TranscriptionRegistrationTests
{
    [Theory]
    [InlineData("pocketsphinx", "pocketsphinx")]
    [InlineData("whisper", "whisper")]
    [InlineData("openai", "openai")]
    public void Exactly_the_configured_engine_is_registered(string engine, string expected)
    {
        using var provider = Build(new()
        {
            ["Pipeline:Transcription:Engine"] = engine,
            ["Pipeline:Transcription:Whisper:ModelPath"] = "/models/ggml-small.bin",
            ["Pipeline:Transcription:OpenAi:BaseUrl"] = "http://127.0.0.1:9",
        });

        var transcriber = Assert.Single(provider.GetServices<ITranscriber>());
        Assert.Equal(expected, transcriber.Engine);
    }

    [Fact]
    public void Engine_none_registers_no_transcriber()
    {
        using var provider = Build(new() { ["Pipeline:Transcription:Engine"] = "none" });

        Assert.Empty(provider.GetServices<ITranscriber>());
        Assert.Equal("none", provider.GetRequiredService<IOptions<TranscriptionOptions>>().Value.Engine);
    }

    [Fact]
    public void No_section_at_all_means_none()
    {
        using var provider = Build([]);

        Assert.Empty(provider.GetServices<ITranscriber>());
    }

    [Theory]
    [InlineData("Engine", "vosk", "Pipeline:Transcription:Engine 'vosk' must be one of")]
    [InlineData("OpenAi:BaseUrl", "api.openai.com", "Pipeline:Transcription:OpenAi:BaseUrl 'api.openai.com' must be an absolute http(s) URL")]
    [InlineData("OpenAi:TimeoutSeconds", "0", "Pipeline:Transcription:OpenAi:TimeoutSeconds 0 must be 1..3600")]
    [InlineData("Whisper:Language", "English", "Pipeline:Transcription:Whisper:Language 'English' must be")]
    [InlineData("PocketSphinx:TimeoutSeconds", "-1", "Pipeline:Transcription:PocketSphinx:TimeoutSeconds -1 must be")]
    public void A_bad_setting_fails_validation_with_a_message_starting_with_its_key(string key, string value, string message)
    {
        var engine = key.StartsWith("OpenAi", StringComparison.Ordinal) ? "openai" : key.StartsWith("Whisper", StringComparison.Ordinal) ? "whisper" : key.StartsWith("PocketSphinx", StringComparison.Ordinal) ? "pocketsphinx" : value;
        using var provider = Build(new()
        {
            ["Pipeline:Transcription:Engine"] = engine,
            ["Pipeline:Transcription:Whisper:ModelPath"] = "/models/ggml-small.bin",
            ["Pipeline:Transcription:OpenAi:BaseUrl"] = "http://127.0.0.1:9",
            [$"Pipeline:Transcription:{key}"] = value,
        });

        var e = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<TranscriptionOptions>>().Value);

        Assert.Contains(e.Failures, f => f.StartsWith(message, StringComparison.Ordinal));
    }

    [Fact]
    public void Whisper_without_a_model_path_names_the_key()
    {
        using var provider = Build(new() { ["Pipeline:Transcription:Engine"] = "whisper" });

        var e = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<TranscriptionOptions>>().Value);

        Assert.StartsWith("Pipeline:Transcription:Whisper:ModelPath must be set", Assert.Single(e.Failures), StringComparison.Ordinal);
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection().AddLogging(l => l.ClearProviders());
        services.AddTranscription(configuration);
        return services.BuildServiceProvider();
    }
}
