using Iot.Protocol.Messages;

namespace Iot.Cloud.Pipeline.Dialogues;

/// <summary>A stored chunk as the dialogue builder sees it. Metadata-only chunks still count as audio the device has heard.</summary>
internal sealed record DeviceChunk(
    Guid ChunkId,
    long Seq,
    DateTime StartedAt,
    int DurationMs,
    string? TransactionId,
    string? OperatorId,
    bool AudioIncluded,
    IReadOnlyList<SpeechSegment> Segments)
{
    public DateTime EndedAt => StartedAt.AddMilliseconds(DurationMs);
}

/// <summary>A speech segment placed on the wall clock.</summary>
internal sealed record PlacedSegment(DeviceChunk Chunk, int StartMs, int EndMs)
{
    public DateTime StartedAt => Chunk.StartedAt.AddMilliseconds(StartMs);

    public DateTime EndedAt => Chunk.StartedAt.AddMilliseconds(EndMs);
}

/// <summary>A dialogue that no longer changes (closed or later): its segments stay put and it bounds new groups.</summary>
internal sealed record FrozenDialogue(Guid DialogueId, DateTime StartedAt, DateTime EndedAt, string? TransactionId);

internal sealed record PlannedDialogue(
    Guid DialogueId,
    string? TransactionId,
    string? OperatorId,
    DateTime StartedAt,
    DateTime EndedAt,
    int SpeechMs,
    IReadOnlyList<PlacedSegment> Segments);
