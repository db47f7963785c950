using Iot.Edge.Audio;
using Microsoft.Extensions.Logging;

namespace Iot.Edge.Capture.Windows;

/// <summary>The agent's entry point for <c>Audio:Source = wasapi</c>.</summary>
public static class WindowsMicrophone
{
    /// <summary>
    /// A microphone that survives unplugging: chosen by <paramref name="device"/> (endpoint id or part of the name;
    /// otherwise the first USB microphone), then only that endpoint again unless <paramref name="allowOtherDevice"/>.
    /// </summary>
    public static IAudioSource Create(string? device, bool allowOtherDevice, int sampleRate, MicStatus status, TimeProvider time, ILogger? logger = null, CaptureBufferOptions? buffer = null)
    {
        if (!OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("WASAPI capture needs Windows");
        }

        return new ReconnectingAudioSource(new WasapiDeviceCatalog(time, logger, buffer), new DeviceSelector(device, allowOtherDevice), sampleRate, status, time);
    }
}
