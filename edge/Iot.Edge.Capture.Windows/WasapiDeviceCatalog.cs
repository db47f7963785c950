using System.Runtime.Versioning;
using Iot.Edge.Audio;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NAudio.CoreAudioApi;

namespace Iot.Edge.Capture.Windows;

/// <summary>
/// Active WASAPI capture endpoints. <see cref="AudioDeviceInfo.Id"/> is the endpoint id
/// (<c>{0.0.1.00000000}.{guid}</c>), which stays the same when the microphone is unplugged and plugged back into the
/// same port, so <see cref="ReconnectingAudioSource"/> finds it again.
/// </summary>
[SupportedOSPlatform("windows")]
public sealed class WasapiDeviceCatalog(TimeProvider time, ILogger? logger = null, CaptureBufferOptions? buffer = null) : IAudioDeviceCatalog
{
    // PKEY_Device_EnumeratorName; NAudio's PropertyKeys has the controller id but not this one.
    private static readonly PropertyKey EnumeratorName = new(new Guid("a45c254e-df1c-4efd-8020-67d146a850e0"), 24);

    private readonly ILogger _logger = logger ?? NullLogger.Instance;

    public string Platform => "wasapi";

    public IReadOnlyList<AudioDeviceInfo> ListCaptureDevices()
    {
        using var enumerator = new MMDeviceEnumerator();
        using var endpoints = enumerator.EnumerateAudioEndPoints(DataFlow.Capture, DeviceState.Active);
        var devices = new List<AudioDeviceInfo>();
        foreach (var endpoint in endpoints)
        {
            using (endpoint)
            {
                var isUsb = EndpointClassifier.IsUsb(ReadString(endpoint, EnumeratorName), ReadString(endpoint, PropertyKeys.PKEY_Device_ControllerDeviceId));
                devices.Add(new AudioDeviceInfo(endpoint.ID, endpoint.FriendlyName, isUsb, endpoint.ID));
            }
        }

        return devices;
    }

    public IAudioSource Open(AudioDeviceInfo device, int sampleRate) =>
        WasapiAudioSource.Open(device, sampleRate, time, _logger, buffer);

    private static string? ReadString(MMDevice endpoint, PropertyKey key)
    {
        try
        {
            return endpoint.Properties.TryGetValue<string>(key, out var value) ? value : null;
        }
        catch (Exception ex) when (ex is System.Runtime.InteropServices.COMException or InvalidCastException or NotImplementedException)
        {
            // Some drivers refuse or mistype single properties; the device is still usable, just not classified.
            return null;
        }
    }
}
