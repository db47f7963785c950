namespace Iot.Edge.Capture.Windows;

/// <param name="Capacity">Audio held for a slow reader before the oldest is dropped (and counted).</param>
/// <param name="StallTimeout">A live device always delivers (silence included); this long without a packet means it is dead.</param>
public sealed record CaptureBufferOptions(TimeSpan Capacity, TimeSpan StallTimeout)
{
    public static CaptureBufferOptions Default { get; } = new(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5));
}
