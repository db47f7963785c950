using Iot.Edge.Capture.Alsa;
using Iot.TestSupport;

namespace Iot.Edge.Alsa.Tests;

[Collection(AlsaCollection.Name)]
public class AlsaAudioSourceTests(AlsaTestConfig alsa)
{
    [Fact]
    public async Task Capture_from_a_configured_pcm_delivers_the_input_file_byte_for_byte()
    {
        // 1 s plus a partial period, so the last read is shorter than a period.
        var expected = RawPcm.Samples(16000 + 700, seed: 1);
        RawPcm.Write(alsa.InputOf(AlsaTestConfig.Exact), expected);
        await using var source = new AlsaAudioSource(AlsaTestConfig.Exact, 16000, periodFrames: 1600, bufferPeriods: 4);

        // The file plugin repeats stale data past the end of its input, so read exactly the input's length.
        var captured = new short[expected.Length];
        var total = 0;
        while (total < captured.Length)
        {
            var read = await source.ReadAsync(captured.AsMemory(total), CancellationToken.None);
            Assert.InRange(read, 1, 1600);
            total += read;
        }

        Assert.Equal(RawPcm.Bytes(expected), RawPcm.Bytes(captured));
        Assert.Equal(16000, source.SampleRate);
        Assert.Equal(AlsaTestConfig.Exact, source.Name);
        Assert.Equal(0, source.Generation);
        Assert.Equal(0, source.Overruns);
    }

    [Fact]
    public async Task The_configured_period_and_buffer_are_granted_and_one_read_never_exceeds_a_period()
    {
        RawPcm.Write(alsa.InputOf(AlsaTestConfig.Sizes), RawPcm.Samples(4000, seed: 2));
        await using var source = new AlsaAudioSource(AlsaTestConfig.Sizes, 16000, periodFrames: 800, bufferPeriods: 3);

        Assert.Equal(800, source.PeriodFrames);
        Assert.Equal(2400, source.BufferFrames);
        Assert.Equal(800, await source.ReadAsync(new short[4000], CancellationToken.None));
    }

    [Fact]
    public async Task A_read_waits_off_the_callers_thread_until_audio_arrives()
    {
        // A FIFO as input paces the PCM like a live microphone: libasound blocks until the "room" makes sound.
        var fifo = alsa.InputOf(AlsaTestConfig.Live);
        File.Delete(fifo);
        await ExternalTool.RunCheckedAsync("mkfifo", [fifo]);
        // Read-write so that neither side's open blocks and ALSA never sees end-of-input while the test runs.
        await using var room = new FileStream(fifo, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite, bufferSize: 0);
        await using var source = new AlsaAudioSource(AlsaTestConfig.Live, 16000, periodFrames: 1600, bufferPeriods: 4);
        var speech = RawPcm.Samples(1600, seed: 3);
        var buffer = new short[1600];

        var pending = source.ReadAsync(buffer, CancellationToken.None).AsTask();
        try
        {
            await Task.Delay(300);
            Assert.False(pending.IsCompleted, "the read returned before any audio was written");

            // One period is 3200 bytes, under PIPE_BUF, so ALSA's single read() of the FIFO gets all of it.
            await room.WriteAsync(RawPcm.Bytes(speech));
            Assert.Equal(1600, await pending.WaitAsync(TimeSpan.FromSeconds(10)));
            Assert.Equal(speech, buffer);
        }
        finally
        {
            // Unblocks libasound's read() if an assertion failed first, so disposal does not wait forever.
            room.Write(new byte[3200]);
        }
    }

    [Fact]
    public async Task A_read_with_a_cancelled_token_is_cancelled()
    {
        RawPcm.Write(alsa.InputOf(AlsaTestConfig.Sizes), RawPcm.Samples(1600, seed: 4));
        await using var source = new AlsaAudioSource(AlsaTestConfig.Sizes, 16000, periodFrames: 1600, bufferPeriods: 4);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => source.ReadAsync(new short[1600], new CancellationToken(canceled: true)).AsTask());
    }

    [Fact]
    public void Opening_an_undefined_pcm_fails_with_an_error_naming_it()
    {
        var ex = Assert.Throws<AlsaException>(() => new AlsaAudioSource("iot_test_nosuch", 16000, 1600, 4));

        Assert.IsAssignableFrom<IOException>(ex);
        Assert.Equal("iot_test_nosuch", ex.PcmName);
        Assert.Equal(-2, ex.ErrorCode);
        Assert.Equal(
            "ALSA capture device 'iot_test_nosuch': open failed: No such file or directory (no card or PCM of that name; see 'arecord -l' and 'arecord -L')",
            ex.Message);
    }

    [Fact]
    public void Opening_a_defined_pcm_whose_device_is_gone_fails_with_the_system_error()
    {
        File.Delete(alsa.InputOf(AlsaTestConfig.Gone));

        var ex = Assert.Throws<AlsaException>(() => new AlsaAudioSource(AlsaTestConfig.Gone, 16000, 1600, 4));

        Assert.Equal($"ALSA capture device '{AlsaTestConfig.Gone}': open failed: No such file or directory", ex.Message);
    }

    [Fact]
    public void A_card_that_is_not_plugged_in_fails_to_open_naming_the_card()
    {
        // plughw is defined by alsa.conf; the card is not there, as after unplugging a USB microphone.
        var ex = Assert.Throws<AlsaException>(() => new AlsaAudioSource("plughw:CARD=IotNoSuchCard,DEV=0", 16000, 1600, 4));

        Assert.StartsWith("ALSA capture device 'plughw:CARD=IotNoSuchCard,DEV=0': open failed: ", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("arecord -L", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_stream_stopped_under_the_reader_fails_the_next_read_with_an_io_error_naming_the_pcm()
    {
        RawPcm.Write(alsa.InputOf(AlsaTestConfig.Stopped), RawPcm.Samples(3200, seed: 5));
        await using var source = new AlsaAudioSource(AlsaTestConfig.Stopped, 16000, periodFrames: 1600, bufferPeriods: 4);
        Assert.Equal(1600, await source.ReadAsync(new short[1600], CancellationToken.None));

        source.Stop();
        var ex = await Assert.ThrowsAsync<AlsaException>(() => source.ReadAsync(new short[1600], CancellationToken.None).AsTask());

        Assert.Equal(-77, ex.ErrorCode);
        Assert.Equal($"ALSA capture device '{AlsaTestConfig.Stopped}': read failed: File descriptor in bad state", ex.Message);
    }
}
