namespace Iot.Edge.Agent.Speech;

/// <summary>Half-open [Start, End) in samples from the start of the stream.</summary>
public readonly record struct SampleRange(long Start, long End)
{
    public long Length => End - Start;

    public bool Overlaps(long start, long end) => Start < end && End > start;
}
