namespace Iot.Protocol.Messages;

/// <summary>Speech inside a chunk, in milliseconds from the chunk's start.</summary>
public sealed record SpeechSegment(int StartMs, int EndMs);
