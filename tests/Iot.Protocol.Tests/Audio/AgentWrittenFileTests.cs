using Xunit.Abstractions;
using Iot.TestSupport;
using Iot.Protocol.Audio;

namespace Iot.Protocol.Tests.Audio;

public sealed class AgentWrittenFileTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_chunk_written_by_the_agent_decodes_to_its_exact_length_and_matches_ffmpeg(bool allowNativeOpus)
    {
        using var dir = new TempDirectory("iot-agent-opus");
        var file = dir.Sub("chunk.opus");

        // 2.51 s: not a whole number of 20 ms frames, so the last granule must trim the padding the writer adds.
        var input = Tone(40_160);
        await using (var stream = File.Create(file))
        {
            using var writer = new OggOpusWriter(stream, new OpusSettings { AllowNative = allowNativeOpus }, serial: 7);
            writer.Write(input);
            writer.Finish();
        }

        var ours = OpusFileDecoder.Decode(await File.ReadAllBytesAsync(file));
        var ffmpeg = await OpusFiles.DecodeWithFfmpegAsync(file);

        Assert.Equal(input.Length, ours.Length);
        Assert.InRange(ffmpeg.Length, input.Length - 16, input.Length + 16);
        var snr = OpusFiles.SignalToNoiseDb(ffmpeg, ours);
        output.WriteLine($"native={allowNativeOpus}: {ours.Length} samples, ffmpeg {ffmpeg.Length}, SNR vs ffmpeg {snr:0.0} dB, vs input {OpusFiles.SignalToNoiseDb(input, ours):0.0} dB");
        Assert.True(snr > 20, $"our decode differs from ffmpeg's: SNR {snr:0.0} dB");

        // Pre-skip honoured: the decoded tone lines up with the input, not 6.5 ms late.
        Assert.True(OpusFiles.SignalToNoiseDb(input, ours) > 6, "decoded audio is not aligned with what the agent encoded");
    }

    private static short[] Tone(int samples)
    {
        var pcm = new short[samples];
        for (var i = 0; i < samples; i++)
        {
            var t = i / 16000.0;
            pcm[i] = (short)(12000 * Math.Sin(2 * Math.PI * (300 + (150 * t)) * t));
        }

        return pcm;
    }
}
