using Iot.Edge.Audio;
using Iot.TestSupport;
using Microsoft.Extensions.Time.Testing;

namespace Iot.Edge.Tests.Audio;

public class WavFileSourceTests
{
    [Fact]
    public async Task Reads_every_sample_of_the_file_then_reports_the_end()
    {
        var wav = await SpeechAudio.WavAsync(3.27);
        await using var source = new WavFileSource(wav, loop: false, realTime: false, TimeProvider.System);
        var buffer = new short[1000];
        long total = 0;
        int read;
        while ((read = await source.ReadAsync(buffer, CancellationToken.None)) > 0)
        {
            total += read;
        }

        Assert.Equal(16000, source.SampleRate);
        Assert.Equal(52320, total);
        Assert.Equal(0, await source.ReadAsync(buffer, CancellationToken.None));
    }

    [Fact]
    public async Task A_looping_source_starts_over_at_the_end()
    {
        var wav = await SpeechAudio.WavAsync(3.27);
        await using var source = new WavFileSource(wav, loop: true, realTime: false, TimeProvider.System);
        var buffer = new short[16000];
        long total = 0;
        for (var i = 0; i < 10; i++)
        {
            total += await source.ReadAsync(buffer, CancellationToken.None);
        }

        Assert.True(total > 52320 * 2);
    }

    [Fact]
    public async Task In_real_time_mode_a_block_is_delivered_only_when_the_clock_reaches_its_end()
    {
        var wav = await SpeechAudio.WavAsync(3.27);
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-25T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        await using var source = new WavFileSource(wav, loop: false, realTime: true, time);
        var buffer = new short[1600];

        var pending = source.ReadAsync(buffer, CancellationToken.None).AsTask();
        await Task.Delay(50);
        Assert.False(pending.IsCompleted);

        time.Advance(TimeSpan.FromMilliseconds(99));
        await Task.Delay(50);
        Assert.False(pending.IsCompleted);

        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(1600, await pending.WaitAsync(TimeSpan.FromSeconds(5)));
    }

    [Theory]
    [InlineData("-c", "2", "-b", "16", "need 16-bit PCM mono")]
    [InlineData("-c", "1", "-b", "8", "need 16-bit PCM mono")]
    public async Task Unsupported_wav_formats_fail_with_the_path_and_the_fix(string c, string channels, string b, string bits, string expected)
    {
        using var dir = new TempDirectory();
        var path = dir.Sub("bad.wav");
        await ExternalTool.RunCheckedAsync("sox", ["-n", "-r", "16000", c, channels, b, bits, path, "synth", "0.1", "sine", "440"]);

        var ex = Assert.Throws<WavFormatException>(() => new WavFileSource(path, false, false, TimeProvider.System));

        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        Assert.Contains("sox in.wav -r 16000 -c 1 -b 16", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_that_is_not_wav_is_refused()
    {
        using var dir = new TempDirectory();
        var path = dir.Sub("text.wav");
        File.WriteAllText(path, "this is not audio at all");

        Assert.Throws<WavFormatException>(() => new WavFileSource(path, false, false, TimeProvider.System));
    }
}
