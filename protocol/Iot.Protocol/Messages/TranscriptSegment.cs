namespace Iot.Protocol.Messages;

/// <summary>One recognised phrase, in milliseconds from the chunk's start.</summary>
public sealed record TranscriptSegment(int StartMs, int EndMs, string Text);
