using Iot.Edge.Audio;
using Iot.Edge.Capture.Windows;
using Microsoft.Extensions.Time.Testing;

namespace Iot.Edge.Windows.Tests;

public class ReconnectTests
{
    private readonly FakeTimeProvider _time = new();
    private readonly FakeWasapiCatalog _catalog;
    private readonly MicStatus _status = new();

    public ReconnectTests() => _catalog = new FakeWasapiCatalog(_time);

    [Fact]
    public async Task An_unplugged_usb_microphone_is_reopened_by_endpoint_id_and_nothing_else_is_taken_meanwhile()
    {
        _catalog.Plug(Endpoints.Builtin);
        _catalog.Plug(Endpoints.DeskMic);
        await using var source = new ReconnectingAudioSource(_catalog, new DeviceSelector(null, false), 16000, _status, _time, TimeSpan.FromSeconds(2));
        var buffer = new short[1600];

        var first = source.ReadAsync(buffer, CancellationToken.None).AsTask();
        await WaitUntilOpenedAsync(Endpoints.DeskMic.Id, opens: 1);
        _catalog.Devices[Endpoints.DeskMic.Id].PushInPackets(Signals.Sine(Endpoints.DeskMic.MixFormat, 1000, 0.5, seconds: 0.1));
        Assert.True(await first.WaitAsync(TimeSpan.FromSeconds(5)) > 0);
        Assert.Equal((MicState.Streaming, 1), (_status.State, source.Generation));

        _catalog.Unplug(Endpoints.DeskMic.Id);

        // Samples the resampler still held from before the unplug may come first; the read that blocks is the one
        // waiting for the microphone to return.
        Task<int> pending;
        while (true)
        {
            pending = source.ReadAsync(buffer, CancellationToken.None).AsTask();
            if (await Task.WhenAny(pending, Task.Delay(300)) != pending)
            {
                break;
            }
        }

        await Eventually(() => _status.State == MicState.Missing, "microphone reported missing");
        // First the unplug itself, then each reopen attempt names the missing microphone.
        Assert.Contains(Endpoints.DeskMic.Id, _status.LastError, StringComparison.Ordinal);

        _time.Advance(TimeSpan.FromSeconds(2));
        await Task.Delay(50);
        Assert.False(pending.IsCompleted); // the built-in array is not recorded instead
        Assert.Equal(1, _catalog.Opens);

        _catalog.Plug(Endpoints.DeskMic);
        _time.Advance(TimeSpan.FromSeconds(2));
        await WaitUntilOpenedAsync(Endpoints.DeskMic.Id, opens: 2);
        _catalog.Devices[Endpoints.DeskMic.Id].PushInPackets(Signals.Sine(Endpoints.DeskMic.MixFormat, 1000, 0.5, seconds: 0.1));

        Assert.True(await pending.WaitAsync(TimeSpan.FromSeconds(5)) > 0);
        Assert.Equal(2, source.Generation);
        Assert.Equal(1, _status.Reconnects);
        Assert.Equal(Endpoints.DeskMic.Id, _status.Device?.Id);
    }

    [Fact]
    public async Task An_endpoint_listed_but_gone_when_activated_is_reported_missing_and_retried()
    {
        _catalog.Plug(Endpoints.DeskMic);
        _catalog.FailActivation(Endpoints.DeskMic.Id);
        await using var source = new ReconnectingAudioSource(_catalog, new DeviceSelector(Endpoints.DeskMic.Id, false), 16000, _status, _time, TimeSpan.FromSeconds(2));
        var buffer = new short[1600];

        var pending = source.ReadAsync(buffer, CancellationToken.None).AsTask();
        await Eventually(() => _status.State == MicState.Missing && _status.LastError is not null, "activation failure reported");
        Assert.Contains("Element not found", _status.LastError, StringComparison.Ordinal);
        Assert.Equal(0, _catalog.Opens);

        _catalog.Plug(Endpoints.DeskMic);
        _time.Advance(TimeSpan.FromSeconds(2));
        await WaitUntilOpenedAsync(Endpoints.DeskMic.Id, opens: 1);
        _catalog.Devices[Endpoints.DeskMic.Id].PushInPackets(Signals.Sine(Endpoints.DeskMic.MixFormat, 440, 0.5, seconds: 0.06));

        // 60 ms at 16 kHz, possibly over several reads: a read returns what the device has delivered so far.
        var total = await pending.WaitAsync(TimeSpan.FromSeconds(5));
        while (total < 960)
        {
            total += await source.ReadAsync(buffer.AsMemory(total), CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(5));
        }

        Assert.Equal(960, total);
        Assert.Equal(MicState.Streaming, _status.State);
    }

    private async Task WaitUntilOpenedAsync(string id, int opens) =>
        await Eventually(() => _catalog.Opens == opens && _catalog.Devices.TryGetValue(id, out var d) && d.Started && !d.Disposed, $"endpoint opened {opens} time(s)");

    private static async Task Eventually(Func<bool> condition, string what)
    {
        for (var i = 0; i < 500 && !condition(); i++)
        {
            await Task.Delay(20);
        }

        Assert.True(condition(), "timed out waiting for: " + what);
    }
}
