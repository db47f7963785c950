using Iot.Edge.Audio;
using Iot.Edge.Capture.Alsa;
using Iot.TestSupport;
using Microsoft.Extensions.Time.Testing;

namespace Iot.Edge.Alsa.Tests;

/// <summary>
/// The agent's microphone as built for <c>Audio:Source = alsa</c>: the real ALSA catalog and source under the
/// reconnect logic. The device "disappears" by losing its input file (open fails with ENOENT, as a pulled USB card
/// fails with ENODEV) after the running stream is stopped under the reader (reads fail with EBADFD). The file
/// plugin itself cannot fail a read: past the end of its input it repeats stale data.
/// </summary>
[Collection(AlsaCollection.Name)]
public class AlsaReconnectTests(AlsaTestConfig alsa)
{
    private static readonly TimeSpan Retry = TimeSpan.FromSeconds(2);
    private readonly FakeTimeProvider _time = new();
    private readonly MicStatus _status = new();

    [Fact]
    public async Task A_microphone_that_vanishes_is_reported_missing_and_the_same_pcm_is_reopened_when_it_returns()
    {
        var input = alsa.InputOf(AlsaTestConfig.Reconnect);
        File.Delete(input);
        var catalog = new TrackingCatalog(AlsaDeviceCatalogTests.Catalog(AlsaTestConfig.Reconnect));
        var errors = new List<string>();
        _status.Changed += s => { lock (errors) { errors.Add($"{s.State}: {s.LastError}"); } };
        await using var mic = new ReconnectingAudioSource(catalog, new DeviceSelector(AlsaTestConfig.Reconnect, AllowOtherDevice: false), 16000, _status, _time, Retry);
        var buffer = new short[1600];

        // Not there at start: the reader waits, the status says which device and why.
        var pending = mic.ReadAsync(buffer, CancellationToken.None).AsTask();
        await WaitForAsync(() => _status.State == MicState.Missing && _status.LastError is not null, "missing at start");
        Assert.Equal($"ALSA capture device '{AlsaTestConfig.Reconnect}': open failed: No such file or directory", _status.LastError);
        Assert.False(pending.IsCompleted);

        await PlugInAndReadAsync(input, pending, buffer, seed: 21);
        Assert.Equal(1, mic.Generation);
        Assert.Equal(MicState.Streaming, _status.State);
        var reconnects = _status.Reconnects;

        // Pulled while streaming.
        File.Delete(input);
        catalog.Opened[0].Stop();
        pending = mic.ReadAsync(buffer, CancellationToken.None).AsTask();
        await WaitForAsync(() => _status.State == MicState.Missing && _status.LastError!.Contains("open failed", StringComparison.Ordinal), "missing after the stream broke");
        lock (errors)
        {
            Assert.Contains($"Missing: ALSA capture device '{AlsaTestConfig.Reconnect}': read failed: File descriptor in bad state", errors);
        }

        _time.Advance(Retry);
        await Task.Delay(200);
        Assert.False(pending.IsCompleted, "a read completed while the microphone was missing");

        // Back: the same PCM is opened again and the gap shows as a new generation.
        await PlugInAndReadAsync(input, pending, buffer, seed: 22);
        Assert.Equal(2, mic.Generation);
        Assert.Equal(reconnects + 1, _status.Reconnects);
        Assert.Equal(MicState.Streaming, _status.State);
        Assert.Equal(AlsaTestConfig.Reconnect, _status.Device!.Id);
        Assert.Equal(2, catalog.Opened.Count);
    }

    /// <summary>Gives the PCM its input back; at the next retry the waiting read must deliver exactly that audio.</summary>
    private async Task PlugInAndReadAsync(string input, Task<int> pending, short[] buffer, int seed)
    {
        var speech = RawPcm.Samples(buffer.Length, seed);
        RawPcm.Write(input, speech);
        _time.Advance(Retry);
        Assert.Equal(buffer.Length, await pending.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(speech, buffer);
    }

    private async Task WaitForAsync(Func<bool> condition, string what) =>
        await Eventually.WaitAsync(() => Task.FromResult(condition()), TimeSpan.FromSeconds(10), what, () => Task.FromResult($"{_status.State}: {_status.LastError}"));
}
