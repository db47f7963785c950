namespace Iot.Edge.Agent.Recording;

/// <summary>Wall-clock time of the next sample: the instant capture began plus the samples read since.</summary>
internal sealed class CaptureClock(DateTimeOffset start, int sampleRate)
{
    private long _samples;

    public DateTimeOffset Now => start.AddTicks(_samples * TimeSpan.TicksPerSecond / sampleRate);

    public void Advance(int samples) => _samples += samples;
}
