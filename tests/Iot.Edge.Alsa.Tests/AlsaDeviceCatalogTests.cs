using System.Text.RegularExpressions;
using Iot.Edge.Audio;
using Iot.Edge.Capture.Alsa;
using Iot.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Iot.Edge.Alsa.Tests;

[Collection(AlsaCollection.Name)]
public partial class AlsaDeviceCatalogTests(AlsaTestConfig alsa)
{
    internal static AlsaDeviceCatalog Catalog(string? device) =>
        new(Options.Create(new AlsaCaptureOptions { Alsa = { Device = device } }), new AlsaCaptureStats(), NullLoggerFactory.Instance);

    [Fact]
    public async Task The_catalog_lists_the_same_capture_devices_as_arecord()
    {
        ExternalTool.Require("arecord");
        var arecord = await ExternalTool.RunCheckedAsync("env", ["LC_ALL=C", "arecord", "-l"]);
        var expected = arecord.StdOut.Split('\n')
            .Select(line => ArecordLine().Match(line))
            .Where(m => m.Success)
            .Select(m => $"plughw:CARD={m.Groups["id"].Value},DEV={m.Groups["dev"].Value}")
            .ToList();

        var devices = Catalog(device: null).ListCaptureDevices();

        // On a build machine without a sound card both lists are empty; on a Pi they hold its microphones.
        Assert.Equal(expected, devices.Select(d => d.OpenName).ToList());
        Assert.All(devices, d => Assert.Equal(d.OpenName, $"plughw:CARD={d.Id.Split(',')[0]},DEV={d.OpenName.Split("DEV=")[1]}"));
    }

    [Fact]
    public async Task A_configured_pcm_name_is_listed_first_under_its_own_name_and_opens()
    {
        var speech = RawPcm.Samples(1600, seed: 11);
        RawPcm.Write(alsa.InputOf(AlsaTestConfig.Listed), speech);
        var catalog = Catalog(AlsaTestConfig.Listed);

        var devices = catalog.ListCaptureDevices();

        var first = devices[0];
        Assert.Equal(new AudioDeviceInfo(AlsaTestConfig.Listed, AlsaTestConfig.Listed, IsUsb: false, AlsaTestConfig.Listed), first);
        Assert.Equal(first, new DeviceSelector(AlsaTestConfig.Listed, AllowOtherDevice: false).Choose(devices, pinnedId: null));
        await using var source = catalog.Open(first, 16000);
        var buffer = new short[1600];
        Assert.Equal(1600, await source.ReadAsync(buffer, CancellationToken.None));
        Assert.Equal(speech, buffer);
    }

    [Fact]
    public void A_configured_name_that_is_neither_a_card_nor_a_pcm_adds_nothing()
    {
        var plain = Catalog(device: null).ListCaptureDevices();

        Assert.Equal(plain, Catalog("IotNoSuchMic").ListCaptureDevices());
    }

    [GeneratedRegex(@"^card (?<card>\d+): (?<id>\S+) \[.*\], device (?<dev>\d+): ")]
    private static partial Regex ArecordLine();
}
