using Iot.Edge.Audio;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Iot.Edge.Capture.Windows;

/// <summary>Builds the agent's microphone for <c>Audio:Source = wasapi</c> from the validated options.</summary>
public sealed class WasapiCaptureFactory(IOptions<WasapiCaptureOptions> options, TimeProvider time, ILoggerFactory loggers)
{
    public IAudioSource CreateSource(MicStatus status)
    {
        var o = options.Value;
        var buffer = new CaptureBufferOptions(TimeSpan.FromSeconds(o.Wasapi.BufferSeconds), TimeSpan.FromSeconds(o.Wasapi.StallSeconds));
        return WindowsMicrophone.Create(o.Wasapi.Device, o.AllowOtherDevice, o.Wasapi.SampleRate, status, time, loggers.CreateLogger("Iot.Edge.Capture.Windows"), buffer);
    }
}
