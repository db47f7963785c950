using Iot.Edge.Capture.Windows;

namespace Iot.Edge.Windows.Tests;

public class MonoPcmConverterTests
{
    private static readonly CaptureFormat MixFormat = new(48000, 2, SampleEncoding.Float32);

    [Fact]
    public void A_48_kHz_float_stereo_tone_becomes_16_kHz_mono_at_the_same_pitch_and_level()
    {
        var input = Signals.Sine(MixFormat, 1000, 0.5, seconds: 2);

        var output = Signals.ConvertInPackets(new MonoPcmConverter(MixFormat, 16000), input, Signals.Repeat(480));

        Assert.Equal(32000, output.Length);
        var steady = output.AsSpan(1600); // past the low-pass filter's settling
        Assert.InRange(Signals.Frequency(steady, 16000), 999.5, 1000.5);
        var expectedRms = 0.5 / Math.Sqrt(2) * 32768;
        Assert.InRange(Signals.Rms(steady), expectedRms * 0.97, expectedRms * 1.03);
    }

    [Fact]
    public void Every_10_ms_packet_of_48_kHz_yields_exactly_160_samples()
    {
        var converter = new MonoPcmConverter(MixFormat, 16000);
        var packet = Signals.Sine(MixFormat, 440, 0.3, seconds: 0.01);
        var destination = new short[converter.MaxOutput(packet.Length)];

        var counts = Enumerable.Range(0, 100).Select(_ => converter.Convert(packet, destination)).ToList();

        Assert.All(counts, c => Assert.Equal(160, c));
    }

    [Fact]
    public void How_packets_are_cut_does_not_change_a_single_output_sample()
    {
        var input = Signals.Sine(MixFormat, 1234, 0.4, seconds: 1);
        int[] ragged = [1, 7, 480, 333, 2, 1024, 479, 481, 5, 960];

        var whole = Signals.ConvertInPackets(new MonoPcmConverter(MixFormat, 16000), input, [48000]);
        var cut = Signals.ConvertInPackets(new MonoPcmConverter(MixFormat, 16000), input, ragged.Concat(Signals.Repeat(97)));

        Assert.Equal(16000, whole.Length);
        Assert.Equal(whole, cut);
    }

    [Fact]
    public void A_44_1_kHz_mix_format_keeps_the_ratio_without_drift()
    {
        var format = new CaptureFormat(44100, 2, SampleEncoding.Float32);
        var input = Signals.Sine(format, 1000, 0.5, seconds: 10);

        var output = Signals.ConvertInPackets(new MonoPcmConverter(format, 16000), input, Signals.Repeat(441));

        Assert.InRange(output.Length, 159_999, 160_000);
        Assert.InRange(Signals.Frequency(output.AsSpan(1600), 16000), 999.8, 1000.2);
    }

    [Fact]
    public void A_tone_above_the_16_kHz_band_is_filtered_instead_of_folding_into_speech()
    {
        var input = Signals.Sine(MixFormat, 12000, 0.5, seconds: 1);

        var output = Signals.ConvertInPackets(new MonoPcmConverter(MixFormat, 16000), input, Signals.Repeat(480));

        var inputRms = 0.5 / Math.Sqrt(2) * 32768;
        Assert.True(Signals.Rms(output.AsSpan(1600)) < inputRms * 0.1, $"12 kHz leaked at {Signals.Rms(output.AsSpan(1600)):0} RMS");
    }

    [Theory]
    [InlineData(SampleEncoding.Pcm16)]
    [InlineData(SampleEncoding.Pcm24)]
    [InlineData(SampleEncoding.Pcm32)]
    [InlineData(SampleEncoding.Float32)]
    public void Every_sample_encoding_decodes_to_the_same_level(SampleEncoding encoding)
    {
        var format = new CaptureFormat(48000, 2, encoding);
        var input = Signals.Sine(format, 500, 0.25, seconds: 1);

        var output = Signals.ConvertInPackets(new MonoPcmConverter(format, 16000), input, Signals.Repeat(480));

        var expectedRms = 0.25 / Math.Sqrt(2) * 32768;
        Assert.InRange(Signals.Rms(output.AsSpan(1600)), expectedRms * 0.97, expectedRms * 1.03);
    }

    [Fact]
    public void Channels_are_averaged_into_mono()
    {
        var format = new CaptureFormat(16000, 2, SampleEncoding.Pcm16);
        var input = Signals.Mono16(Enumerable.Range(0, 100).SelectMany(_ => new short[] { 1000, 3000 }));
        var destination = new short[100];

        Assert.Equal(100, new MonoPcmConverter(format, 16000).Convert(input, destination));
        Assert.All(destination, s => Assert.Equal(2000, s));
    }

    [Fact]
    public void Sixteen_kHz_mono_16_bit_passes_through_bit_exact()
    {
        var samples = Enumerable.Range(0, 1000).Select(i => (short)((i * 7919) % 65536 - 32768)).ToArray();
        var destination = new short[1000];

        new MonoPcmConverter(CaptureFormat.Mono16(16000), 16000).Convert(Signals.Mono16(samples), destination);

        Assert.Equal(samples, destination);
    }

    [Fact]
    public void Full_scale_float_is_clipped_not_wrapped()
    {
        var format = new CaptureFormat(16000, 1, SampleEncoding.Float32);
        var input = new byte[8];
        BitConverter.TryWriteBytes(input.AsSpan(0, 4), 1.5f);
        BitConverter.TryWriteBytes(input.AsSpan(4, 4), -1.5f);
        var destination = new short[2];

        new MonoPcmConverter(format, 16000).Convert(input, destination);

        Assert.Equal([short.MaxValue, short.MinValue], destination);
    }
}
