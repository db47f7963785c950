using System.Runtime.Versioning;
using NAudio.CoreAudioApi;
using NAudio.Wave;

namespace Iot.Edge.Capture.Windows;

/// <summary>
/// One WASAPI capture endpoint in shared mode at its mix format, event-driven. Removal is reported two ways because
/// either can come first: the endpoint notification (state leaves Active) and the capture thread failing with
/// AUDCLNT_E_DEVICE_INVALIDATED.
/// </summary>
[SupportedOSPlatform("windows")]
internal sealed class WasapiCaptureDevice : ICaptureDevice
{
    private const int BufferMilliseconds = 100;

    private readonly string _endpointId;
    private readonly MMDeviceEnumerator _enumerator;
    private readonly MMDevice _device;
    private readonly WasapiRecorder _recorder;
    private MMDeviceNotificationClient? _notifications;
    private ICaptureSink? _sink;
    private volatile bool _closing;

    private WasapiCaptureDevice(string endpointId, MMDeviceEnumerator enumerator, MMDevice device, WasapiRecorder recorder)
    {
        _endpointId = endpointId;
        _enumerator = enumerator;
        _device = device;
        _recorder = recorder;
        Format = WaveFormatMapping.ToCaptureFormat(recorder.WaveFormat);
    }

    public string Api => "wasapi";

    public CaptureFormat Format { get; }

    /// <summary>Activates the endpoint's audio client; throws <see cref="IOException"/> when it is not plugged in.</summary>
    public static WasapiCaptureDevice Activate(string endpointId)
    {
        var enumerator = new MMDeviceEnumerator();
        MMDevice? device = null;
        WasapiRecorder? recorder = null;
        try
        {
            device = enumerator.GetDevice(endpointId);
            if (device.State != DeviceState.Active)
            {
                throw new IOException($"endpoint {endpointId} is {device.State}");
            }

            recorder = new WasapiRecorderBuilder()
                .WithDevice(device)
                .WithSharedMode()
                .WithEventSync()
                .WithBufferLength(BufferMilliseconds)
                .Build();
            return new WasapiCaptureDevice(endpointId, enumerator, device, recorder);
        }
        catch
        {
            recorder?.Dispose();
            device?.Dispose();
            enumerator.Dispose();
            throw;
        }
    }

    public void Start(ICaptureSink sink)
    {
        _sink = sink;
        _notifications = _enumerator.CreateNotificationClient(useSynchronizationContext: false);
        _notifications.DeviceStateChanged += OnStateChanged;
        _notifications.DeviceRemoved += OnRemoved;
        _recorder.DataAvailable += OnData;
        _recorder.RecordingStopped += OnStopped;
        // The audio client is initialised here, so format and exclusive-use errors surface from this call.
        _recorder.StartRecording();
    }

    public void Dispose()
    {
        _closing = true;
        _notifications?.Dispose();
        _recorder.Dispose();
        _device.Dispose();
        _enumerator.Dispose();
    }

    private void OnData(ReadOnlySpan<byte> buffer, AudioClientBufferFlags flags, long devicePosition, long qpcPosition) =>
        _sink?.OnSamples(buffer, (flags & AudioClientBufferFlags.DataDiscontinuity) != 0);

    private void OnStopped(object? sender, StoppedEventArgs e)
    {
        if (!_closing)
        {
            _sink?.OnFault(e.Exception is { } ex ? $"WASAPI capture stopped: {ex.Message}" : "WASAPI capture stopped");
        }
    }

    private void OnStateChanged(object? sender, DeviceStateChangedEventArgs e)
    {
        if (IsMine(e.DeviceId) && e.NewState != DeviceState.Active)
        {
            _sink?.OnFault($"endpoint is {e.NewState}");
        }
    }

    private void OnRemoved(object? sender, DeviceNotificationEventArgs e)
    {
        if (IsMine(e.DeviceId))
        {
            _sink?.OnFault("endpoint removed");
        }
    }

    private bool IsMine(string deviceId) => string.Equals(deviceId, _endpointId, StringComparison.OrdinalIgnoreCase);
}
