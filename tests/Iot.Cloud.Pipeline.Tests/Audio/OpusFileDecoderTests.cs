using Iot.Cloud.Pipeline.Audio;
using Iot.Cloud.Pipeline.Tests.Support;
using Iot.TestSupport;

namespace Iot.Cloud.Pipeline.Tests.Audio;

public sealed class OpusFileDecoderTests
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
        var snr = SignalToNoiseDb(ffmpeg, ours);
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
    public void A_file_that_is_not_ogg_opus_is_rejected()
    {
        Assert.Throws<InvalidDataException>(() => OpusFileDecoder.Decode("RIFF....WAVEfmt "u8.ToArray()));
    }

    private static double SignalToNoiseDb(short[] reference, short[] test)
    {
        var n = Math.Min(reference.Length, test.Length);
        double signal = 0, noise = 0;
        for (var i = 0; i < n; i++)
        {
            signal += (double)reference[i] * reference[i];
            var d = (double)reference[i] - test[i];
            noise += d * d;
        }

        return 10 * Math.Log10(signal / Math.Max(noise, 1));
    }
}
