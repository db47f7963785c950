using Iot.Edge.Capture.Alsa;
using Microsoft.Extensions.Configuration;

namespace Iot.Edge.Alsa.Tests;

[Collection(AlsaCollection.Name)]
public class AlsaDeviceListingTests(AlsaTestConfig alsa)
{
    private static async Task<(int ExitCode, string Output)> ListAsync(params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)))
            .Build();
        using var output = new StringWriter();
        var exitCode = await AlsaDeviceListing.WriteAsync(output, configuration, CancellationToken.None);
        return (exitCode, output.ToString());
    }

    [Fact]
    public async Task The_listing_shows_that_the_configured_pcm_opens_and_would_be_recorded()
    {
        RawPcm.Write(alsa.InputOf(AlsaTestConfig.Listed), RawPcm.Samples(1600, seed: 31));

        var (exitCode, output) = await ListAsync(("Audio:Alsa:Device", AlsaTestConfig.Listed), ("Audio:Alsa:PeriodFrames", "800"));

        Assert.Equal(0, exitCode);
        Assert.Contains($"  {AlsaTestConfig.Listed}  \"{AlsaTestConfig.Listed}\"  {AlsaTestConfig.Listed}  opens at 16000 Hz, period 800 frames, buffer 3200 frames", output, StringComparison.Ordinal);
        Assert.Contains($"The agent would record from: {AlsaTestConfig.Listed} ({AlsaTestConfig.Listed})", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_listing_shows_why_the_configured_pcm_does_not_open_and_exits_non_zero()
    {
        File.Delete(alsa.InputOf(AlsaTestConfig.Gone));

        var (exitCode, output) = await ListAsync(("Audio:Alsa:Device", AlsaTestConfig.Gone));

        Assert.Equal(1, exitCode);
        Assert.Contains($"does not open: ALSA capture device '{AlsaTestConfig.Gone}': open failed: No such file or directory", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_listing_rejects_an_invalid_configuration_naming_the_key()
    {
        var (exitCode, output) = await ListAsync(("Audio:Alsa:BufferPeriods", "1"));

        Assert.Equal(2, exitCode);
        Assert.Contains("  Audio:Alsa:BufferPeriods 1 must be 2..32", output, StringComparison.Ordinal);
    }
}
