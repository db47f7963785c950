using Iot.Edge.Audio;
using Microsoft.Extensions.Options;

namespace Iot.Edge.Capture.Alsa;

/// <summary>
/// Builds the agent's microphone for <c>Audio:Source = alsa</c>: the ALSA catalog behind the platform-neutral
/// reconnect logic, so an unplugged microphone is waited for and only the same one (by card id) is taken back.
/// </summary>
public sealed class AlsaCaptureFactory(AlsaDeviceCatalog catalog, IOptions<AlsaCaptureOptions> options, TimeProvider time)
{
    public IAudioSource CreateSource(MicStatus status)
    {
        var o = options.Value;
        return new ReconnectingAudioSource(catalog, new DeviceSelector(o.Alsa.Device, o.AllowOtherDevice), o.Alsa.SampleRate, status, time);
    }
}
