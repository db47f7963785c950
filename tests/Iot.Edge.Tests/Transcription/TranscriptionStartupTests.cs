using Iot.Edge.Agent.Hosting;
using Iot.Edge.Agent.Transcription;
using Iot.Edge.Tests.Hosting;
using Iot.TestSupport;
using Iot.TestSupport.Whisper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Iot.Edge.Tests.Transcription;

/// <summary>The agent as it will be wired: <c>AddAgent</c> plus <c>AddTranscription</c> on the same configuration.</summary>
public class TranscriptionStartupTests
{
    [Theory]
    [InlineData("Transcription:ModelPath", "", "Transcription:ModelPath")]
    [InlineData("Transcription:ModelPath", "/nonexistent/ggml-tiny.bin", "Transcription:ModelPath")]
    [InlineData("Transcription:Language", "en-US", "Transcription:Language")]
    [InlineData("Transcription:Threads", "0", "Transcription:Threads")]
    [InlineData("Transcription:QueueCapacity", "0", "Transcription:QueueCapacity")]
    [InlineData("Transcription:MaxAudioSeconds", "0", "Transcription:MaxAudioSeconds")]
    public async Task A_bad_transcription_setting_stops_start_up_and_names_its_key(string key, string value, string named)
    {
        using var dir = new TempDirectory();
        var settings = await SettingsAsync(dir, enabled: true);
        settings[key] = value;
        using var host = Build(settings);

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(ex.Failures, f => f.StartsWith(named, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_corrupt_model_stops_start_up_like_a_bad_setting()
    {
        using var dir = new TempDirectory();
        var corrupt = dir.Sub("ggml-tiny.bin");
        await File.WriteAllBytesAsync(corrupt, (await File.ReadAllBytesAsync(await WhisperFixtureModel.PathAsync()))[..1_000_000]);
        var settings = await SettingsAsync(dir, enabled: true);
        settings["Transcription:ModelPath"] = corrupt;
        using var host = Build(settings);

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.StartsWith($"Transcription:ModelPath '{corrupt}' is not a usable ggml Whisper model", Assert.Single(ex.Failures), StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_transcription_off_nothing_is_loaded_and_chunks_are_never_queued()
    {
        using var dir = new TempDirectory();
        var settings = await SettingsAsync(dir, enabled: false);
        settings["Transcription:ModelPath"] = "/nonexistent/ggml-tiny.bin";
        using var host = Build(settings);

        await host.StartAsync();
        var queue = host.Services.GetRequiredService<ITranscriptionQueue>();
        await host.StopAsync();

        Assert.False(queue.Enabled);
        Assert.False(queue.TryEnqueue(new TranscriptionRequest(Guid.CreateVersion7(), 1_000, [new(0, 1_000)], new short[16_000], 16_000)));
        Assert.Empty(host.Services.GetServices<IHostedService>().OfType<TranscriptionWorker>());
    }

    [Fact]
    public async Task With_transcription_on_the_model_is_loaded_during_start_up()
    {
        using var dir = new TempDirectory();
        using var host = Build(await SettingsAsync(dir, enabled: true));

        await host.StartAsync();
        var queue = host.Services.GetRequiredService<ITranscriptionQueue>();
        await host.StopAsync();

        Assert.True(queue.Enabled);
        Assert.IsType<TranscriptionWorker>(queue);
    }

    private static IHost Build(Dictionary<string, string?> settings)
    {
        var builder = AgentHost.CreateBuilder([], settings);
        builder.Services.AddTranscription(builder.Configuration);
        return builder.Build();
    }

    private static async Task<Dictionary<string, string?>> SettingsAsync(TempDirectory dir, bool enabled)
    {
        var settings = await AgentHostTests.ValidSettingsAsync(dir);
        settings["Transcription:Enabled"] = enabled ? "true" : "false";
        settings["Transcription:ModelPath"] = await WhisperFixtureModel.PathAsync();
        settings["Transcription:Threads"] = "1";
        return settings;
    }
}
