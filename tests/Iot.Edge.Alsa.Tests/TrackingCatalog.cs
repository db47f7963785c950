using Iot.Edge.Audio;
using Iot.Edge.Capture.Alsa;

namespace Iot.Edge.Alsa.Tests;

/// <summary>The real ALSA catalog, remembering what it opened so a test can pull the microphone out from under a reader.</summary>
internal sealed class TrackingCatalog(AlsaDeviceCatalog inner) : IAudioDeviceCatalog
{
    public List<AlsaAudioSource> Opened { get; } = [];

    public string Platform => inner.Platform;

    public IReadOnlyList<AudioDeviceInfo> ListCaptureDevices() => inner.ListCaptureDevices();

    public IAudioSource Open(AudioDeviceInfo device, int sampleRate)
    {
        var source = inner.OpenCapture(device, sampleRate);
        Opened.Add(source);
        return source;
    }
}
