using Iot.Edge.Agent.Gpio;
using Iot.Edge.Agent.Hosting;
using Iot.Edge.Agent.Recording;
using Iot.Edge.Tests.Hosting;
using Iot.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Iot.Edge.Tests.Gpio;

/// <summary>This machine has no GPIO chip, like a Windows desk PC: the real driver factory must fail softly.</summary>
public class NoGpioTests
{
    [Fact]
    public async Task Without_gpio_hardware_the_service_logs_once_and_stands_down()
    {
        await using var rig = new LedRig(factory: new SystemGpioControllerFactory());
        await rig.StartAsync();

        rig.AdvanceTo(60_000);

        var warning = Assert.Single(rig.Log.Entries, e => e.Level >= LogLevel.Warning);
        Assert.Contains("No GPIO on this machine", warning.Message, StringComparison.Ordinal);
        Assert.Contains("agent runs on", warning.Message, StringComparison.Ordinal);
        Assert.True(rig.ExecuteTask!.IsCompletedSuccessfully);
        Assert.Null(rig.Playing);
    }

    [Fact]
    public async Task An_agent_with_gpio_enabled_on_a_machine_without_it_still_records_everything()
    {
        using var dir = new TempDirectory();
        var settings = await AgentHostTests.ValidSettingsAsync(dir);
        settings["Gpio:Enabled"] = "true";
        settings["Gpio:ButtonPin"] = "23";
        settings["Gpio:BuzzerPin"] = "22";
        using var host = AgentHost.CreateBuilder([], settings).Build();

        await host.StartAsync();
        var recorder = host.Services.GetRequiredService<RecorderStatus>();
        await recorder.SourceFinished.Task.WaitAsync(TimeSpan.FromSeconds(60));
        var led = host.Services.GetServices<IHostedService>().OfType<StatusLedService>().Single();
        await led.Ready.WaitAsync(TimeSpan.FromSeconds(10));
        await host.StopAsync();

        Assert.Equal(4, recorder.ChunksSealed);
        Assert.True(led.ExecuteTask!.IsCompletedSuccessfully);
        Assert.Null(led.Playing);
    }
}
