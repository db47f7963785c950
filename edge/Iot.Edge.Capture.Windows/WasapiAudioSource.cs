using System.Runtime.Versioning;
using Iot.Edge.Audio;
using Microsoft.Extensions.Logging;

namespace Iot.Edge.Capture.Windows;

/// <summary>
/// One Windows microphone as 16-bit mono PCM: WASAPI shared mode at the mix format, converted and buffered by
/// <see cref="CapturedAudioSource"/>, or WinMM when WASAPI will not start. Unplugging makes reads throw
/// <see cref="IOException"/>; wrap it in <see cref="ReconnectingAudioSource"/> (see <see cref="WindowsMicrophone"/>).
/// </summary>
[SupportedOSPlatform("windows")]
public sealed partial class WasapiAudioSource : IAudioSource
{
    private readonly CapturedAudioSource _capture;

    private WasapiAudioSource(CapturedAudioSource capture) => _capture = capture;

    public int SampleRate => _capture.SampleRate;

    public string Name => _capture.Name;

    public int Generation => _capture.Generation;

    /// <summary><c>wasapi</c>, or <c>winmm</c> when the fallback is in use.</summary>
    public string Api => _capture.Api;

    public long DroppedSamples => _capture.DroppedSamples;

    public static WasapiAudioSource Open(AudioDeviceInfo device, int sampleRate, TimeProvider time, ILogger logger, CaptureBufferOptions? buffer = null)
    {
        ArgumentNullException.ThrowIfNull(device);
        var capture = CaptureApiFallback.Open(
            () => WasapiCaptureDevice.Activate(device.Id),
            () => WinMmCaptureDevice.Find(device.Name, sampleRate, logger),
            d => CapturedAudioSource.Start(d, $"{device.Name} ({d.Api})", sampleRate, time, buffer),
            ex => LogFellBack(logger, device.Name, device.Id, ex.Message));
        LogOpened(logger, capture.Name, device.Id);
        return new WasapiAudioSource(capture);
    }

    public ValueTask<int> ReadAsync(Memory<short> buffer, CancellationToken cancellationToken) => _capture.ReadAsync(buffer, cancellationToken);

    public ValueTask DisposeAsync() => _capture.DisposeAsync();

    [LoggerMessage(Level = LogLevel.Warning, Message = "WASAPI could not capture from {Name} ({EndpointId}), using WinMM: {Reason}")]
    private static partial void LogFellBack(ILogger logger, string name, string endpointId, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Capturing from {Source}, endpoint {EndpointId}")]
    private static partial void LogOpened(ILogger logger, string source, string endpointId);
}
