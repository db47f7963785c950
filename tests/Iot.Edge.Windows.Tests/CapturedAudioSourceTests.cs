using Iot.Edge.Capture.Windows;
using Microsoft.Extensions.Time.Testing;

namespace Iot.Edge.Windows.Tests;

public class CapturedAudioSourceTests
{
    private static readonly CaptureFormat Mono16k = CaptureFormat.Mono16(16000);
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public async Task A_reader_that_falls_behind_loses_the_oldest_audio_and_the_loss_is_counted()
    {
        var device = new FakeCaptureDevice(Mono16k);
        var options = new CaptureBufferOptions(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(5));
        await using var source = CapturedAudioSource.Start(device, "desk", 16000, _time, options);

        // One second of a counter while nobody reads; the buffer holds 100 ms.
        device.PushInPackets(Signals.Mono16(Enumerable.Range(0, 16000).Select(i => (short)(i % 30000))));
        var buffer = new short[16000];
        var read = await source.ReadAsync(buffer, CancellationToken.None);

        Assert.Equal(16000 - 1600, source.DroppedSamples);
        Assert.Equal(1600, read);
        Assert.Equal(Enumerable.Range(14400, 1600).Select(i => (short)i), buffer.Take(read));
        Assert.Equal(1, source.Generation); // the recorder re-anchors its clock after the gap
    }

    [Fact]
    public async Task A_read_never_spans_a_gap()
    {
        var device = new FakeCaptureDevice(Mono16k);
        await using var source = CapturedAudioSource.Start(device, "desk", 16000, _time);

        device.PushInPackets(Signals.Mono16(Enumerable.Repeat((short)1, 320)));
        device.Push(Signals.Mono16(Enumerable.Repeat((short)2, 320)), discontinuity: true);
        var buffer = new short[1600];

        Assert.Equal(320, await source.ReadAsync(buffer, CancellationToken.None));
        Assert.Equal(0, source.Generation);
        Assert.Equal(320, await source.ReadAsync(buffer, CancellationToken.None));
        Assert.Equal(1, source.Generation);
        Assert.All(buffer.Take(320), s => Assert.Equal(2, s));
    }

    [Fact]
    public async Task Audio_captured_before_the_device_vanished_is_read_then_the_read_fails_with_the_reason()
    {
        var device = new FakeCaptureDevice(Mono16k);
        await using var source = CapturedAudioSource.Start(device, "desk", 16000, _time);

        device.Push(Signals.Mono16(Enumerable.Repeat((short)5, 700))); // two whole 20 ms blocks and a partial one
        device.Remove("endpoint is Unplugged");
        var buffer = new short[1600];

        Assert.Equal(700, await source.ReadAsync(buffer, CancellationToken.None));
        var error = await Assert.ThrowsAsync<IOException>(() => source.ReadAsync(buffer, CancellationToken.None).AsTask());
        Assert.Contains("endpoint is Unplugged", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_device_that_stops_delivering_is_reported_after_the_stall_timeout()
    {
        var device = new FakeCaptureDevice(Mono16k);
        await using var source = CapturedAudioSource.Start(device, "desk", 16000, _time, new CaptureBufferOptions(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5)));

        var pending = source.ReadAsync(new short[160], CancellationToken.None).AsTask();
        _time.Advance(TimeSpan.FromSeconds(4));
        await Task.Delay(50);
        Assert.False(pending.IsCompleted);

        _time.Advance(TimeSpan.FromSeconds(1));
        var error = await Assert.ThrowsAsync<IOException>(() => pending.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Contains("no audio for 5 s", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancelling_a_waiting_read_is_a_cancellation_not_a_device_fault()
    {
        var device = new FakeCaptureDevice(Mono16k);
        await using var source = CapturedAudioSource.Start(device, "desk", 16000, _time);
        using var cts = new CancellationTokenSource();

        var pending = source.ReadAsync(new short[160], cts.Token).AsTask();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending);
        device.PushInPackets(Signals.Mono16(Enumerable.Repeat((short)3, 320)));
        Assert.Equal(160, await source.ReadAsync(new short[160], CancellationToken.None));
    }

    [Fact]
    public async Task A_48_kHz_float_stereo_device_is_read_as_16_kHz_mono()
    {
        var format = new CaptureFormat(48000, 2, SampleEncoding.Float32);
        var device = new FakeCaptureDevice(format);
        await using var source = CapturedAudioSource.Start(device, "desk", 16000, _time);

        device.PushInPackets(Signals.Sine(format, 1000, 0.5, seconds: 1));
        var samples = new List<short>();
        var buffer = new short[1600];
        while (samples.Count < 16000)
        {
            samples.AddRange(buffer.Take(await source.ReadAsync(buffer, CancellationToken.None)));
        }

        Assert.Equal(16000, samples.Count);
        Assert.InRange(Signals.Frequency(samples.Skip(1600).ToArray(), 16000), 999.5, 1000.5);
    }

    [Fact]
    public async Task Disposing_stops_the_device()
    {
        var device = new FakeCaptureDevice(Mono16k);
        var source = CapturedAudioSource.Start(device, "desk", 16000, _time);

        await source.DisposeAsync();

        Assert.True(device.Disposed);
    }
}
