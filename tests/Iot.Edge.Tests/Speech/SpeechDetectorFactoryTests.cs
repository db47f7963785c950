using Iot.Edge.Agent.Speech;
using Iot.TestSupport;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;

namespace Iot.Edge.Tests.Speech;

public class SpeechDetectorFactoryTests
{
    [Fact]
    public async Task Without_the_model_file_auto_runs_the_energy_engine_and_warns_once_naming_the_fetch_script()
    {
        using var dir = new TempDirectory();
        var logger = new FakeLogger<SpeechDetectorFactory>();
        var factory = new SpeechDetectorFactory(Options.Create(new VadOptions { ModelPath = dir.Sub("absent.onnx") }), logger);

        using var first = factory.CreateTracker(16000);
        using var second = factory.CreateDetector();

        Assert.Equal("energy", factory.Engine);
        Assert.IsType<EnergySpeechDetector>(second);
        var warning = Assert.Single(logger.Collector.GetSnapshot());
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains("fetch-vad-model.sh", warning.Message, StringComparison.Ordinal);
        Assert.Contains(dir.Sub("absent.onnx"), warning.Message, StringComparison.Ordinal);

        // And the fallback does its job on real speech.
        var clip = await SpeechClips.CounterAsync();
        first.Feed(clip.Samples);
        Assert.Equal(clip.Speech.Count, first.TakeSegments(0, clip.Samples.Length).Count);
    }

    [Fact]
    public void With_the_model_file_auto_runs_Silero_on_the_managed_runtime_by_default()
    {
        var logger = new FakeLogger<SpeechDetectorFactory>();
        var factory = new SpeechDetectorFactory(Options.Create(new VadOptions { ModelPath = VadModelFile.Locate() }), logger);

        using var detector = factory.CreateDetector();

        Assert.Equal("silero", factory.Engine);
        Assert.IsType<ManagedSileroSpeechDetector>(detector);
        Assert.Contains("managed runtime", Assert.Single(logger.Collector.GetSnapshot()).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Vad_Runtime_onnxruntime_runs_Silero_on_ONNX_Runtime()
    {
        var factory = new SpeechDetectorFactory(Options.Create(new VadOptions { ModelPath = VadModelFile.Locate(), Runtime = "onnxruntime" }), new FakeLogger<SpeechDetectorFactory>());

        using var detector = factory.CreateDetector();

        Assert.IsType<SileroSpeechDetector>(detector);
    }

    [Fact]
    public void An_unknown_Vad_Runtime_is_refused_naming_the_key()
    {
        var result = new VadOptionsValidator().Validate(null, new VadOptions { Runtime = "tensorflow" });

        Assert.Contains(result.Failures ?? [], f => f.StartsWith("Vad:Runtime 'tensorflow'", StringComparison.Ordinal));
    }

    [Fact]
    public void A_tracker_for_audio_that_is_not_16_kHz_is_refused()
    {
        var factory = new SpeechDetectorFactory(Options.Create(new VadOptions { Engine = "energy" }), new FakeLogger<SpeechDetectorFactory>());

        var ex = Assert.Throws<NotSupportedException>(() => factory.CreateTracker(48000));

        Assert.Contains("48000 Hz", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_host_with_valid_Vad_settings_starts_and_its_factory_runs_Silero()
    {
        using var host = Host(new() { ["Vad:ModelPath"] = VadModelFile.Locate(), ["Vad:Threshold"] = "0.6" });

        await host.StartAsync();
        var factory = host.Services.GetRequiredService<SpeechDetectorFactory>();
        await host.StopAsync();

        Assert.Equal("silero", factory.Engine);
        Assert.Equal(0.6f, factory.Options.Threshold);
    }

    [Fact]
    public async Task A_corrupt_model_stops_start_up_naming_Vad_ModelPath()
    {
        using var dir = new TempDirectory();
        var model = dir.Sub("silero_vad_v5.onnx");
        await File.WriteAllTextAsync(model, "<html>not a model</html>");
        using var host = Host(new() { ["Vad:ModelPath"] = model });

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        var failure = Assert.Single(ex.Failures);
        Assert.StartsWith($"Vad:ModelPath '{model}' is unusable", failure, StringComparison.Ordinal);
        Assert.Contains("fetch-vad-model.sh", failure, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Vad:Engine", "webrtc", "Vad:Engine")]
    [InlineData("Vad:Engine", "silero", "Vad:ModelPath")]
    [InlineData("Vad:Threshold", "1.5", "Vad:Threshold")]
    [InlineData("Vad:ExitThreshold", "0.9", "Vad:ExitThreshold")]
    [InlineData("Vad:MinSpeechMs", "-1", "Vad:MinSpeechMs")]
    [InlineData("Vad:MinSilenceMs", "60000", "Vad:MinSilenceMs")]
    [InlineData("Vad:PaddingMs", "-5", "Vad:PaddingMs")]
    public async Task A_bad_Vad_setting_stops_start_up_and_names_its_key(string key, string value, string named)
    {
        using var dir = new TempDirectory();
        using var host = Host(new() { ["Vad:ModelPath"] = dir.Sub("absent.onnx"), [key] = value });

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(ex.Failures, f => f.StartsWith(named, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("auto")]
    [InlineData("energy")]
    public async Task A_missing_model_is_no_start_up_error_unless_silero_is_demanded(string engine)
    {
        using var dir = new TempDirectory();
        using var host = Host(new() { ["Vad:Engine"] = engine, ["Vad:ModelPath"] = dir.Sub("absent.onnx") });

        await host.StartAsync();
        var factory = host.Services.GetRequiredService<SpeechDetectorFactory>();
        await host.StopAsync();

        Assert.Equal("energy", factory.Engine);
    }

    private static IHost Host(Dictionary<string, string?> settings)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddSpeechDetection(builder.Configuration);
        return builder.Build();
    }
}
