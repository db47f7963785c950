namespace Iot.Edge.Capture.Windows;

/// <summary>Where a capture device pushes packets and reports that it stopped; called from the device's own thread.</summary>
public interface ICaptureSink
{
    /// <param name="interleaved">Whole frames in the device's <see cref="ICaptureDevice.Format"/>; valid only during the call.</param>
    /// <param name="discontinuity">The device says samples were lost just before this packet (a WASAPI glitch).</param>
    void OnSamples(ReadOnlySpan<byte> interleaved, bool discontinuity);

    /// <summary>The device is gone or capture died; the reader gets an <see cref="IOException"/> with this reason.</summary>
    void OnFault(string reason);
}
