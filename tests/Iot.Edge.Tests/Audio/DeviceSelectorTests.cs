using Iot.Edge.Audio;

namespace Iot.Edge.Tests.Audio;

public class DeviceSelectorTests
{
    private static readonly AudioDeviceInfo Builtin = new("PCH", "HDA Intel PCH", IsUsb: false, "hw:CARD=PCH");
    private static readonly AudioDeviceInfo Desk = new("Device", "USB PnP Sound Device", IsUsb: true, "hw:CARD=Device");
    private static readonly AudioDeviceInfo Webcam = new("U0x46d0x825", "USB Camera C270", IsUsb: true, "hw:CARD=U0x46d0x825");

    [Fact]
    public void Without_configuration_a_usb_microphone_is_preferred_over_the_builtin_one()
    {
        Assert.Equal(Desk, new DeviceSelector(null, false).Choose([Builtin, Desk], pinnedId: null));
    }

    [Fact]
    public void Without_any_usb_device_the_first_device_is_used()
    {
        Assert.Equal(Builtin, new DeviceSelector(null, false).Choose([Builtin], pinnedId: null));
    }

    [Theory]
    [InlineData("U0x46d0x825")]
    [InlineData("camera")]
    public void A_configured_name_matches_the_id_or_part_of_the_name(string configured)
    {
        Assert.Equal(Webcam, new DeviceSelector(configured, false).Choose([Desk, Webcam], pinnedId: null));
    }

    [Fact]
    public void Once_pinned_only_the_same_microphone_is_accepted()
    {
        var selector = new DeviceSelector(null, AllowOtherDevice: false);

        Assert.Null(selector.Choose([Builtin, Webcam], pinnedId: Desk.Id));
        Assert.Equal(Desk, selector.Choose([Webcam, Desk], pinnedId: Desk.Id));
    }

    [Fact]
    public void When_allowed_another_microphone_replaces_a_missing_pinned_one()
    {
        Assert.Equal(Webcam, new DeviceSelector(null, AllowOtherDevice: true).Choose([Builtin, Webcam], pinnedId: Desk.Id));
    }
}
