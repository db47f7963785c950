using Iot.Edge.Audio;
using Microsoft.Extensions.Time.Testing;

namespace Iot.Edge.Tests.Audio;

public class ReconnectingAudioSourceTests
{
    private readonly FakeTimeProvider _time = new();
    private readonly FakeAudioDeviceCatalog _catalog = new();
    private readonly MicStatus _status = new();

    [Fact]
    public async Task An_unplugged_microphone_is_reported_missing_and_the_same_one_is_reopened_when_it_returns()
    {
        _catalog.Plug("desk", 7);
        await using var source = new ReconnectingAudioSource(_catalog, new DeviceSelector(null, false), 16000, _status, _time, TimeSpan.FromSeconds(2));
        var buffer = new short[160];

        Assert.Equal(160, await source.ReadAsync(buffer, CancellationToken.None));
        Assert.Equal(MicState.Streaming, _status.State);
        Assert.Equal(1, source.Generation);

        _catalog.Unplug("desk");
        _catalog.Plug("webcam", 9);
        var pending = source.ReadAsync(buffer, CancellationToken.None).AsTask();
        await Task.Delay(50);
        Assert.False(pending.IsCompleted);
        Assert.Equal(MicState.Missing, _status.State);
        Assert.Contains("desk", _status.LastError, StringComparison.Ordinal);

        _time.Advance(TimeSpan.FromSeconds(2));
        await Task.Delay(50);
        Assert.False(pending.IsCompleted); // the webcam is not taken instead

        _catalog.Plug("desk", 7);
        _time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(160, await pending.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.All(buffer, s => Assert.Equal(7, s));
        Assert.Equal(2, source.Generation);
        Assert.Equal(1, _status.Reconnects);
        Assert.Equal(MicState.Streaming, _status.State);
    }

    [Fact]
    public async Task A_gap_reported_by_the_device_itself_is_passed_on_as_a_new_generation()
    {
        _catalog.Plug("desk", 7);
        await using var source = new ReconnectingAudioSource(_catalog, new DeviceSelector(null, false), 16000, _status, _time);
        var buffer = new short[16];
        await source.ReadAsync(buffer, CancellationToken.None);
        Assert.Equal(1, source.Generation);

        _catalog.Glitch("desk");
        await source.ReadAsync(buffer, CancellationToken.None);

        Assert.Equal(2, source.Generation);
        Assert.Equal(0, _status.Reconnects);
    }

    [Fact]
    public async Task With_no_microphone_at_start_reads_wait_and_report_missing()
    {
        await using var source = new ReconnectingAudioSource(_catalog, new DeviceSelector(null, false), 16000, _status, _time);

        var pending = source.ReadAsync(new short[10], CancellationToken.None).AsTask();
        await Task.Delay(50);

        Assert.False(pending.IsCompleted);
        Assert.Equal(MicState.Missing, _status.State);
        Assert.Equal("no capture device found", _status.LastError);

        _catalog.Plug("late", 1);
        _time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(10, await pending.WaitAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task Cancelling_a_waiting_read_ends_it()
    {
        await using var source = new ReconnectingAudioSource(_catalog, new DeviceSelector(null, false), 16000, _status, _time);
        using var cts = new CancellationTokenSource();

        var pending = source.ReadAsync(new short[10], cts.Token).AsTask();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending);
    }
}
