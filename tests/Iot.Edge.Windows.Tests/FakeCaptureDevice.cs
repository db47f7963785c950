using Iot.Edge.Capture.Windows;

namespace Iot.Edge.Windows.Tests;

/// <summary>
/// Stands in for a WASAPI or WinMM device (no Windows sound hardware here): the test pushes packets in the device's
/// format and raises the faults the real wrappers raise on removal.
/// </summary>
internal sealed class FakeCaptureDevice(CaptureFormat format, string api = "wasapi", Exception? failOnStart = null, byte[]? deliverOnStart = null) : ICaptureDevice
{
    private ICaptureSink? _sink;

    public string Api => api;

    public CaptureFormat Format => format;

    public bool Started => _sink is not null;

    public bool Disposed { get; private set; }

    public void Start(ICaptureSink sink)
    {
        if (failOnStart is not null)
        {
            throw failOnStart;
        }

        _sink = sink;
        if (deliverOnStart is not null)
        {
            PushInPackets(deliverOnStart);
        }
    }

    public void Push(ReadOnlySpan<byte> packet, bool discontinuity = false) => Sink.OnSamples(packet, discontinuity);

    /// <summary>Pushes <paramref name="audio"/> as 10 ms packets, like WASAPI's event-driven capture.</summary>
    public void PushInPackets(byte[] audio)
    {
        var packet = format.SampleRate / 100 * format.BytesPerFrame;
        for (var offset = 0; offset < audio.Length; offset += packet)
        {
            Push(audio.AsSpan(offset, Math.Min(packet, audio.Length - offset)));
        }
    }

    /// <summary>What WasapiCaptureDevice does when the endpoint notification says the microphone left.</summary>
    public void Remove(string reason = "endpoint is Unplugged") => Sink.OnFault(reason);

    public void Dispose() => Disposed = true;

    private ICaptureSink Sink => _sink ?? throw new InvalidOperationException("device not started");
}
