using Iot.Edge.Capture.Windows;
using NAudio.Wave;

namespace Iot.Edge.Windows.Tests;

public class WaveFormatMappingTests
{
    [Fact]
    public void The_usual_wasapi_mix_format_is_48_kHz_float_stereo()
    {
        var mix = new WaveFormatExtensible(48000, 32, 2, useIeeeFloat: true, validBitsPerSample: 32, channelMask: 3);

        Assert.Equal(new CaptureFormat(48000, 2, SampleEncoding.Float32), WaveFormatMapping.ToCaptureFormat(mix));
    }

    [Fact]
    public void A_24_bit_in_32_bit_container_pcm_endpoint_reads_as_32_bit()
    {
        var mix = new WaveFormatExtensible(96000, 32, 4, useIeeeFloat: false, validBitsPerSample: 24, channelMask: 0x33);

        Assert.Equal(new CaptureFormat(96000, 4, SampleEncoding.Pcm32), WaveFormatMapping.ToCaptureFormat(mix));
    }

    [Fact]
    public void The_winmm_request_round_trips()
    {
        var wave = WaveFormatMapping.ToWaveFormat(CaptureFormat.Mono16(16000));

        Assert.Equal((16000, 16, 1, WaveFormatEncoding.Pcm), (wave.SampleRate, wave.BitsPerSample, wave.Channels, wave.Encoding));
        Assert.Equal(CaptureFormat.Mono16(16000), WaveFormatMapping.ToCaptureFormat(wave));
    }

    [Fact]
    public void Eight_bit_audio_is_refused_with_a_reason()
    {
        var error = Assert.Throws<NotSupportedException>(() => WaveFormatMapping.ToCaptureFormat(new WaveFormat(8000, 8, 1)));

        Assert.Contains("8-bit", error.Message, StringComparison.Ordinal);
    }
}
