using Iot.Edge.Agent.Gpio;
using Iot.Edge.Agent.Hosting;
using Iot.Edge.Tests.Hosting;
using Iot.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Iot.Edge.Tests.Gpio;

public class GpioOptionsTests
{
    [Theory]
    [InlineData("Gpio:StatusLedPin", "-1", "Gpio:StatusLedPin")]
    [InlineData("Gpio:ButtonPin", "17", "Gpio:ButtonPin 17 is already used by Gpio:StatusLedPin")]
    [InlineData("Gpio:BuzzerPin", "5000", "Gpio:BuzzerPin")]
    [InlineData("Gpio:Chip", "-1", "Gpio:Chip")]
    [InlineData("Gpio:LongPressSeconds", "0.5", "Gpio:LongPressSeconds")]
    [InlineData("Gpio:DebounceMilliseconds", "0", "Gpio:DebounceMilliseconds")]
    public async Task A_bad_gpio_setting_stops_start_up_and_names_its_key(string key, string value, string named)
    {
        using var dir = new TempDirectory();
        var settings = await AgentHostTests.ValidSettingsAsync(dir);
        settings["Gpio:Enabled"] = "true";
        settings[key] = value;
        using var host = AgentHost.CreateBuilder([], settings).Build();

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(ex.Failures, f => f.StartsWith(named, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_disabled_gpio_section_is_not_checked_so_a_desk_pc_starts_with_leftovers()
    {
        using var dir = new TempDirectory();
        var settings = await AgentHostTests.ValidSettingsAsync(dir);
        settings["Gpio:StatusLedPin"] = "-1";
        using var host = AgentHost.CreateBuilder([], settings).Build();

        await host.StartAsync();
        await host.StopAsync();

        Assert.False(host.Services.GetRequiredService<IOptions<GpioOptions>>().Value.Enabled);
    }

}
