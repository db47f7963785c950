using Iot.Edge.Audio;
using Iot.Edge.Capture.Windows;
using Microsoft.Extensions.Time.Testing;

namespace Iot.Edge.Windows.Tests;

public class DeviceChoiceTests
{
    private readonly FakeWasapiCatalog _catalog = new(new FakeTimeProvider());

    public DeviceChoiceTests()
    {
        _catalog.Plug(Endpoints.Builtin);
        _catalog.Plug(Endpoints.Headset);
        _catalog.Plug(Endpoints.DeskMic);
        _catalog.Plug(Endpoints.Webcam);
    }

    [Fact]
    public void Usb_endpoints_are_recognised_from_the_enumerator_or_the_controller_id()
    {
        var usb = _catalog.ListCaptureDevices().Where(d => d.IsUsb).Select(d => d.Id);

        Assert.Equal([Endpoints.DeskMic.Id, Endpoints.Webcam.Id], usb);
    }

    [Theory]
    [InlineData("USB", null, true)]
    [InlineData(null, @"{1}.USB\VID_0D8C&PID_0014&MI_00\7&2f5e2c7a&0&0000", true)]
    [InlineData(null, @"USB\VID_0D8C&PID_0014&MI_00\7&2f5e2c7a&0&0000", true)]
    [InlineData("HDAUDIO", @"{1}.HDAUDIO\FUNC_01&VEN_10EC&DEV_0256", false)]
    [InlineData("BTHENUM", @"{1}.BTHENUM\{0000111e-0000-1000-8000-00805f9b34fb}", false)]
    [InlineData(null, null, false)]
    public void An_endpoint_is_usb_only_when_its_hardware_is(string? enumerator, string? controller, bool expected)
    {
        Assert.Equal(expected, EndpointClassifier.IsUsb(enumerator, controller));
    }

    [Fact]
    public void Without_configuration_the_first_usb_microphone_is_chosen_over_the_builtin_array()
    {
        var chosen = new DeviceSelector(null, false).Choose(_catalog.ListCaptureDevices(), pinnedId: null);

        Assert.Equal(Endpoints.DeskMic.Id, chosen?.Id);
    }

    [Fact]
    public void A_configured_endpoint_id_selects_exactly_that_endpoint()
    {
        var chosen = new DeviceSelector(Endpoints.Webcam.Id, false).Choose(_catalog.ListCaptureDevices(), pinnedId: null);

        Assert.Equal("Microphone (HD Pro Webcam C920)", chosen?.Name);
    }

    [Fact]
    public void A_configured_name_part_selects_the_endpoint_by_friendly_name()
    {
        var chosen = new DeviceSelector("realtek", false).Choose(_catalog.ListCaptureDevices(), pinnedId: null);

        Assert.Equal(Endpoints.Builtin.Id, chosen?.Id);
    }

    [Fact]
    public void The_pinned_endpoint_is_found_again_after_windows_reorders_the_list()
    {
        var selector = new DeviceSelector(null, false);
        _catalog.Unplug(Endpoints.DeskMic.Id);
        Assert.Null(selector.Choose(_catalog.ListCaptureDevices(), Endpoints.DeskMic.Id));

        _catalog.Plug(Endpoints.DeskMic); // comes back last in the enumeration

        Assert.Equal(Endpoints.DeskMic.Id, selector.Choose(_catalog.ListCaptureDevices(), Endpoints.DeskMic.Id)?.Id);
    }

    [Fact]
    public void The_winmm_fallback_finds_the_same_microphone_by_its_truncated_name()
    {
        // WinMM cuts names to 31 characters: "Headset (WH-1000XM4 Hands-Free AG Audio)" becomes the fourth entry here.
        string[] winMm = ["Microphone Array (Realtek(R) Au", "Microphone (HD Pro Webcam C920)", "Microphone (USB PnP Sound Devic", "Headset (WH-1000XM4 Hands-Free "];

        Assert.Equal(2, WinMmDeviceMatcher.FindDeviceNumber(Endpoints.DeskMic.FriendlyName, winMm));
        Assert.Equal(1, WinMmDeviceMatcher.FindDeviceNumber(Endpoints.Webcam.FriendlyName, winMm));
        Assert.Equal(3, WinMmDeviceMatcher.FindDeviceNumber(Endpoints.Headset.FriendlyName, winMm));
        Assert.Null(WinMmDeviceMatcher.FindDeviceNumber("Microphone (Yeti Stereo Microphone)", winMm));
    }
}
