using Iot.Edge.Capture.Windows;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Time.Testing;

namespace Iot.Edge.Windows.Tests;

public class WasapiDeviceListingTests
{
    private readonly FakeWasapiCatalog _catalog = new(new FakeTimeProvider()) { DeliverOnStartSeconds = 0.1 };

    public WasapiDeviceListingTests()
    {
        _catalog.Plug(Endpoints.Builtin);
        _catalog.Plug(Endpoints.DeskMic);
    }

    [Fact]
    public async Task The_listing_shows_every_endpoint_with_its_id_and_marks_the_one_that_would_be_recorded()
    {
        using var output = new StringWriter();

        var exit = await WasapiDeviceListing.WriteAsync(output, _catalog, new WasapiCaptureOptions(), CancellationToken.None);

        var text = output.ToString();
        Assert.Equal(0, exit);
        Assert.Contains("WASAPI capture endpoints: 2", text, StringComparison.Ordinal);
        Assert.Contains("id " + Endpoints.Builtin.Id, text, StringComparison.Ordinal);
        Assert.Contains("* Microphone (USB PnP Sound Device) [USB]", text, StringComparison.Ordinal);
        Assert.Contains("delivers audio: Microphone (USB PnP Sound Device) (wasapi)", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_configured_device_that_is_not_there_is_named_and_the_exit_code_says_so()
    {
        using var output = new StringWriter();
        var options = new WasapiCaptureOptions { Wasapi = { Device = "Yeti" } };

        var exit = await WasapiDeviceListing.WriteAsync(output, _catalog, options, CancellationToken.None);

        Assert.Equal(1, exit);
        Assert.Contains("No endpoint matches Audio:Wasapi:Device 'Yeti'", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Off_windows_the_listing_says_wasapi_is_not_here_after_checking_the_configuration()
    {
        using var output = new StringWriter();
        var bad = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Audio:Wasapi:SampleRate"] = "1" }).Build();

        Assert.Equal(2, await WasapiDeviceListing.WriteAsync(output, bad, CancellationToken.None));
        Assert.Contains("Audio:Wasapi:SampleRate 1 must be one of", output.ToString(), StringComparison.Ordinal);

        using var output2 = new StringWriter();
        Assert.Equal(1, await WasapiDeviceListing.WriteAsync(output2, new ConfigurationBuilder().Build(), CancellationToken.None));
        Assert.Contains("only on Windows", output2.ToString(), StringComparison.Ordinal);
    }
}
