using Iot.Edge.Agent.Hosting;
using Iot.Edge.Agent.Outbox;
using Iot.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Iot.Edge.Tests.Hosting;

public class AgentHostTests
{
    [Theory]
    [InlineData("Agent:DeviceId", "Has Spaces", "Agent:DeviceId")]
    [InlineData("Agent:TenantId", "", "Agent:TenantId")]
    [InlineData("Agent:ChunkSeconds", "0", "Agent:ChunkSeconds")]
    [InlineData("Audio:WavPath", "/nonexistent.wav", "Audio:WavPath")]
    [InlineData("Audio:Source", "alsa-typo", "Audio:Source")]
    [InlineData("Audio:Complexity", "11", "Audio:Complexity")]
    [InlineData("Audio:OpusSignal", "7", "Audio:OpusSignal")]
    [InlineData("Mqtt:Port", "70000", "Mqtt:Port")]
    [InlineData("Mqtt:AckTimeoutSeconds", "0", "Mqtt:AckTimeoutSeconds")]
    [InlineData("Mqtt:Tls:CaFile", "/nonexistent/ca.crt", "Mqtt:Tls:CaFile")]
    [InlineData("Mqtt:Tls:ClientCertificateFile", "/etc/hostname", "Mqtt:Tls:ClientCertificateFile")]
    [InlineData("Mqtt:Host", "192.0.2.10", "Mqtt:Host")]
    [InlineData("Recording:TimeZone", "Mars/Olympus", "Recording:TimeZone")]
    [InlineData("Recording:Schedule:Mon-Fri", "8-22", "Recording:Schedule")]
    [InlineData("Recording:Schedule:Funday", "08:00-22:00", "Recording:Schedule")]
    [InlineData("Health:Port", "0", "Health:Port")]
    [InlineData("Health:Port", "70000", "Health:Port")]
    [InlineData("Health:BootGraceSeconds", "-1", "Health:BootGraceSeconds")]
    public async Task A_bad_setting_stops_start_up_and_names_its_key(string key, string value, string named)
    {
        using var dir = new TempDirectory();
        var settings = await ValidSettingsAsync(dir);
        settings[key] = value;
        using var host = AgentHost.CreateBuilder([], settings).Build();

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(ex.Failures, f => f.StartsWith(named, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_value_that_does_not_bind_stops_start_up_and_names_its_key()
    {
        using var dir = new TempDirectory();
        var settings = await ValidSettingsAsync(dir);
        settings["Recording:Trigger"] = "Sometimes";
        using var host = AgentHost.CreateBuilder([], settings).Build();

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync());

        Assert.Contains("Recording:Trigger", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stopping_the_service_mid_chunk_seals_the_audio_so_far_into_a_valid_file()
    {
        using var dir = new TempDirectory();
        var settings = await ValidSettingsAsync(dir);
        settings["Audio:RealTime"] = "true";
        settings["Agent:ChunkSeconds"] = "60";
        using var host = AgentHost.CreateBuilder([], settings).Build();

        await host.StartAsync();
        var spool = settings["Agent:SpoolDirectory"]!;
        await Eventually.WaitAsync(() => Task.FromResult(Directory.Exists(spool) && Directory.GetFiles(spool, "*" + ChunkOutbox.PartialSuffix).Length > 0), TimeSpan.FromSeconds(20), "recording started");
        await Task.Delay(1500);
        await host.StopAsync();

        var outbox = host.Services.GetRequiredService<ChunkOutbox>();
        var entry = Assert.Single(outbox.PeekReady(10, []));
        var info = await ExternalTool.RunAsync("opusinfo", [outbox.SealedPath(entry)]);
        Assert.Equal(0, info.ExitCode);
        var seconds = double.Parse(System.Text.RegularExpressions.Regex.Match(info.StdOut, @"Playback length: 0m:(\d+\.\d+)s").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(seconds, 1.2, 5.0);
    }

    internal static async Task<Dictionary<string, string?>> ValidSettingsAsync(TempDirectory dir) => new()
    {
        ["Agent:TenantId"] = "acme",
        ["Agent:DeviceId"] = "pos-1",
        ["Agent:SpoolDirectory"] = dir.Sub("spool"),
        ["Agent:ChunkSeconds"] = "1",
        ["Audio:WavPath"] = await SpeechAudio.WavAsync(3.27),
        ["Audio:RealTime"] = "false",
        ["Recording:Trigger"] = "Always",
        ["Recording:Upload"] = "Continuous",
        // Nothing listens here: these tests exercise the device side alone.
        ["Mqtt:Port"] = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
        // Agents run side by side in the test process: each gets its own health port.
        ["Health:Port"] = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Serilog:MinimumLevel:Default"] = "Error",
    };
}
