using Xunit.Abstractions;
using Iot.TestSupport;
using Iot.Protocol.Audio;

namespace Iot.Protocol.Tests.Audio;

public sealed class OpusFileDecoderTests(ITestOutputHelper output)
{
    [Fact]
    public async Task An_opusenc_file_decodes_to_the_same_samples_ffmpeg_hears()
    {
        using var dir = new TempDirectory("iot-opus");
        var file = dir.Sub("tone.opus");
        await OpusFiles.WriteToneAsync(file, seconds: 3.0);

        var ours = OpusFileDecoder.Decode(await File.ReadAllBytesAsync(file));
        var ffmpeg = await OpusFiles.DecodeWithFfmpegAsync(file);

        // Pre-skip dropped and the end trimmed to the last granule: exactly the 3 s that were encoded.
        Assert.Equal(48_000, ours.Length);
        Assert.InRange(ffmpeg.Length, 48_000 - 16, 48_000 + 16);
        var snr = OpusFiles.SignalToNoiseDb(ffmpeg, ours);
        output.WriteLine($"opusenc file: {ours.Length} samples, ffmpeg {ffmpeg.Length}, SNR vs ffmpeg {snr:0.0} dB");
        Assert.True(snr > 20, $"our decode differs from ffmpeg's: SNR {snr:0.0} dB");
    }

    [Fact]
    public async Task Decoding_ignores_the_encoder_lookahead_so_the_tone_starts_at_sample_zero()
    {
        using var dir = new TempDirectory("iot-opus");
        var file = dir.Sub("tone.opus");
        await OpusFiles.WriteToneAsync(file, seconds: 1.0);

        var ours = OpusFileDecoder.Decode(await File.ReadAllBytesAsync(file));

        // Without the pre-skip the first ~6.5 ms would be codec start-up silence and every time would shift.
        var firstLoud = Array.FindIndex(ours, s => Math.Abs((int)s) > 2000);
        Assert.InRange(firstLoud, 0, 80);
    }

    [Fact]
    public async Task A_stereo_48_kHz_file_with_large_packets_decodes_to_mono_16_kHz_of_the_same_duration()
    {
        using var dir = new TempDirectory("iot-opus");
        var file = dir.Sub("stereo.opus");
        await OpusFiles.WriteToneAsync(file, seconds: 2.0, sampleRate: 48000, channels: 2, opusencOptions: ["--bitrate", "256", "--framesize", "60"]);

        var ours = OpusFileDecoder.Decode(await File.ReadAllBytesAsync(file));
        var ffmpeg = await OpusFiles.DecodeWithFfmpegAsync(file);

        Assert.Equal(32_000, ours.Length);
        Assert.True(OpusFiles.SignalToNoiseDb(ffmpeg, ours) > 20);
    }

    [Fact]
    public void A_file_that_is_not_ogg_opus_is_rejected()
    {
        Assert.Throws<InvalidDataException>(() => OpusFileDecoder.Decode("RIFF....WAVEfmt "u8.ToArray()));
    }
}
