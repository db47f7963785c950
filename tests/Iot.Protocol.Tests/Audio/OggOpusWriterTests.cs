using Iot.TestSupport;
using Iot.Protocol.Audio;

namespace Iot.Protocol.Tests.Audio;

public class OggOpusWriterTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Encoded_speech_passes_opusinfo_and_decodes_to_exactly_the_input_length(bool allowNative)
    {
        using var dir = new TempDirectory();
        var wav = await SpeechAudio.WavAsync(3.27);
        var ogg = dir.Sub("out.opus");
        // The PCM after the 44-byte header, fed in blocks that are not whole 20 ms frames, as a microphone's reads are.
        var pcm = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, short>((await File.ReadAllBytesAsync(wav)).AsSpan(44)).ToArray();
        long samples;
        await using (var file = File.Create(ogg))
        using (var writer = new OggOpusWriter(file, new OpusSettings { AllowNative = allowNative }, serial: 1234, comments: ["DEVICE=test"]))
        {
            Assert.Equal(allowNative, writer.IsNative);
            for (var offset = 0; offset < pcm.Length; offset += 1234)
            {
                writer.Write(pcm.AsSpan(offset, Math.Min(1234, pcm.Length - offset)));
            }

            writer.Finish();
            samples = writer.SampleCount;
        }

        Assert.Equal(52320, samples);
        var info = await ExternalTool.RunAsync("opusinfo", [ogg]);
        Assert.True(info.ExitCode == 0, info.StdOut + info.StdErr);
        Assert.Contains("Pre-skip: 312", info.StdOut, StringComparison.Ordinal);
        Assert.Contains("Original sample rate: 16000 Hz", info.StdOut, StringComparison.Ordinal);
        Assert.Contains("Playback length: 0m:03.27", info.StdOut, StringComparison.Ordinal);
        Assert.DoesNotContain("WARNING", info.StdOut, StringComparison.Ordinal);

        var raw = dir.Sub("decoded.raw");
        await ExternalTool.RunCheckedAsync("ffmpeg", ["-v", "error", "-i", ogg, "-f", "s16le", "-ar", "16000", "-ac", "1", raw]);
        Assert.Equal(samples * 2, new FileInfo(raw).Length);
    }

    [Fact]
    public async Task Decoded_audio_keeps_the_speech_energy_of_the_input()
    {
        using var dir = new TempDirectory();
        var wav = await SpeechAudio.WavAsync(3.27);
        var ogg = dir.Sub("out.opus");
        var input = (await File.ReadAllBytesAsync(wav)).AsSpan(44).ToArray();
        await using (var file = File.Create(ogg))
        using (var writer = new OggOpusWriter(file, new OpusSettings(), serial: 1))
        {
            writer.Write(System.Runtime.InteropServices.MemoryMarshal.Cast<byte, short>(input));
            writer.Finish();
        }

        var raw = dir.Sub("decoded.raw");
        await ExternalTool.RunCheckedAsync("ffmpeg", ["-v", "error", "-i", ogg, "-f", "s16le", "-ar", "16000", "-ac", "1", raw]);
        var output = await File.ReadAllBytesAsync(raw);

        // A lossy codec cannot be compared sample by sample; the energy must survive and the timing must not shift.
        var rmsIn = Rms(System.Runtime.InteropServices.MemoryMarshal.Cast<byte, short>(input));
        var rmsOut = Rms(System.Runtime.InteropServices.MemoryMarshal.Cast<byte, short>(output));
        Assert.InRange(rmsOut / rmsIn, 0.7, 1.3);
    }

    [Fact]
    public void A_stream_with_no_audio_is_still_a_complete_ogg_file()
    {
        using var stream = new MemoryStream();
        using (var writer = new OggOpusWriter(stream, new OpusSettings(), serial: 9))
        {
            writer.Finish();
        }

        var bytes = stream.ToArray();
        Assert.Equal("OggS"u8.ToArray(), bytes[..4]);
        Assert.Equal(0x02, bytes[5]);
        var last = bytes.AsSpan().LastIndexOf("OggS"u8);
        Assert.Equal(0x04, bytes[last + 5] & 0x04);
    }

    private static double Rms(ReadOnlySpan<short> samples)
    {
        double sum = 0;
        foreach (var s in samples)
        {
            sum += (double)s * s;
        }

        return Math.Sqrt(sum / samples.Length);
    }
}
