using Iot.Edge.Audio;
using Iot.Edge.Capture.Alsa;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Iot.Edge.Alsa.Tests;

public class AlsaCaptureOptionsTests
{
    private static ServiceProvider Services(params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)))
            .Build();
        return new ServiceCollection().AddLogging().AddAlsaCapture(configuration).BuildServiceProvider();
    }

    [Fact]
    public void The_defaults_are_valid_and_read_100_ms_periods_into_a_400_ms_buffer_at_16_kHz()
    {
        using var services = Services();

        var o = services.GetRequiredService<IOptions<AlsaCaptureOptions>>().Value;

        Assert.Equal((16000, 1600, 4, null, false), (o.Alsa.SampleRate, o.Alsa.PeriodFrames, o.Alsa.BufferPeriods, o.Alsa.Device, o.AllowOtherDevice));
    }

    [Fact]
    public async Task The_audio_keys_are_bound_and_the_factory_builds_a_reconnecting_microphone()
    {
        await using var services = Services(("Audio:AllowOtherDevice", "true"), ("Audio:Alsa:Device", "U0x46d0x825"), ("Audio:Alsa:PeriodFrames", "320"), ("Audio:Alsa:BufferPeriods", "8"));

        var o = services.GetRequiredService<IOptions<AlsaCaptureOptions>>().Value;
        await using var source = services.GetRequiredService<AlsaCaptureFactory>().CreateSource(new MicStatus());

        Assert.Equal(("U0x46d0x825", 320, 8, true), (o.Alsa.Device, o.Alsa.PeriodFrames, o.Alsa.BufferPeriods, o.AllowOtherDevice));
        var mic = Assert.IsType<ReconnectingAudioSource>(source);
        Assert.Equal(16000, mic.SampleRate);
        Assert.Equal("alsa (no microphone)", mic.Name);
    }

    [Theory]
    [InlineData("Audio:Alsa:SampleRate", "44100", "Audio:Alsa:SampleRate 44100 must be one of 8000, 12000, 16000, 24000, 48000")]
    [InlineData("Audio:Alsa:PeriodFrames", "100", "Audio:Alsa:PeriodFrames 100 must be 160..16000 (10 ms to 1 s at 16000 Hz)")]
    [InlineData("Audio:Alsa:PeriodFrames", "16001", "Audio:Alsa:PeriodFrames 16001 must be 160..16000 (10 ms to 1 s at 16000 Hz)")]
    [InlineData("Audio:Alsa:BufferPeriods", "1", "Audio:Alsa:BufferPeriods 1 must be 2..32")]
    [InlineData("Audio:Alsa:Device", " ", "Audio:Alsa:Device ' ' must be a card id, part of a card name or an ALSA PCM name (see iot-agent --list-devices), or be left out")]
    public void An_invalid_value_fails_at_start_up_naming_its_key(string key, string value, string expected)
    {
        using var services = Services((key, value));

        var ex = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<AlsaCaptureOptions>>().Value);

        Assert.Equal([expected], ex.Failures);
    }
}
