namespace Iot.Edge.Audio;

/// <summary>
/// A microphone that survives being unplugged: on a read error it reports <see cref="MicState.Missing"/>, closes the
/// device and polls the catalog until the same microphone (see <see cref="DeviceSelector"/>) is back, then resumes
/// with <see cref="Generation"/> bumped. Reads wait while the microphone is missing; they never return 0.
/// </summary>
public sealed class ReconnectingAudioSource : IAudioSource
{
    private readonly IAudioDeviceCatalog _catalog;
    private readonly DeviceSelector _selector;
    private readonly TimeProvider _time;
    private readonly TimeSpan _retryInterval;
    private IAudioSource? _current;
    private string? _pinnedId;
    private int _innerGeneration;

    public ReconnectingAudioSource(IAudioDeviceCatalog catalog, DeviceSelector selector, int sampleRate, MicStatus status, TimeProvider time, TimeSpan? retryInterval = null)
    {
        _catalog = catalog;
        _selector = selector;
        SampleRate = sampleRate;
        Status = status;
        _time = time;
        _retryInterval = retryInterval ?? TimeSpan.FromSeconds(2);
    }

    public int SampleRate { get; }

    public string Name => Status.Device?.Name ?? _catalog.Platform + " (no microphone)";

    public MicStatus Status { get; }

    public int Generation { get; private set; }

    public async ValueTask<int> ReadAsync(Memory<short> buffer, CancellationToken cancellationToken)
    {
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (_current is null && !TryOpen())
            {
                await Task.Delay(_retryInterval, _time, cancellationToken).ConfigureAwait(false);
                continue;
            }

            try
            {
                var read = await _current!.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
                if (_current.Generation != _innerGeneration)
                {
                    // The device itself reported a gap (overrun, dropped samples): pass it on so the recorder splits.
                    _innerGeneration = _current.Generation;
                    Generation++;
                }

                if (read > 0)
                {
                    Status.Set(MicState.Streaming, Status.Device);
                    return read;
                }

                // A device does not end; 0 from a live microphone means it went away.
                await LoseAsync("device returned end of stream").ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                await LoseAsync(ex.Message).ConfigureAwait(false);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_current is not null)
        {
            await _current.DisposeAsync().ConfigureAwait(false);
            _current = null;
        }
    }

    private bool TryOpen()
    {
        AudioDeviceInfo? device = null;
        try
        {
            device = _selector.Choose(_catalog.ListCaptureDevices(), _pinnedId);
            if (device is null)
            {
                Status.Set(MicState.Missing, null, _pinnedId is null ? "no capture device found" : $"microphone '{_pinnedId}' is not connected");
                return false;
            }

            _current = _catalog.Open(device, SampleRate);
            _innerGeneration = _current.Generation;
            _pinnedId = device.Id;
            Generation++;
            Status.Set(MicState.Present, device);
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Status.Set(MicState.Missing, device, ex.Message);
            return false;
        }
    }

    private async ValueTask LoseAsync(string reason)
    {
        Status.Set(MicState.Missing, Status.Device, reason);
        if (_current is not null)
        {
            try
            {
                await _current.DisposeAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or InvalidOperationException)
            {
                // Closing a vanished device can fail too; the handle is released either way.
            }

            _current = null;
        }
    }
}
