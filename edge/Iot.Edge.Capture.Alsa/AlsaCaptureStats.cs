namespace Iot.Edge.Capture.Alsa;

/// <summary>Counters across every ALSA capture this process opened, for telemetry.</summary>
public sealed class AlsaCaptureStats
{
    private long _overruns;

    /// <summary>Times the ring buffer filled before the agent read it, so samples were dropped.</summary>
    public long Overruns => Interlocked.Read(ref _overruns);

    internal void CountOverrun() => Interlocked.Increment(ref _overruns);
}
