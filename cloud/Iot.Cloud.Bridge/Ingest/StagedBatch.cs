using Iot.Cloud.Bridge.Persistence;
using Iot.Protocol.Messages;

namespace Iot.Cloud.Bridge.Ingest;

/// <summary>A batch between the store and the commit stage of one ingest worker.</summary>
internal sealed class StagedBatch(List<ReceivedMessage> messages, IngestTracing spans, long started)
{
    public List<ReceivedMessage> Messages { get; } = messages;

    public IngestTracing Spans { get; } = spans;

    /// <summary>Timestamp the batch was taken from the queue (batch duration metric).</summary>
    public long Started { get; } = started;

    /// <summary>Chunks whose files are durable (or that carry no audio), to insert.</summary>
    public List<ChunkRow> Rows { get; } = [];

    /// <summary>The audio of <see cref="Rows"/> by chunk id, kept until the commit in case it has to be stored again.</summary>
    public Dictionary<Guid, byte[]> Audio { get; } = [];

    /// <summary>Timestamp the batch's audio was stored; a commit long after it re-checks the audio.</summary>
    public long StoredAt { get; set; }

    /// <summary>Second copies of a chunk within the batch: acked Duplicate once the first is committed.</summary>
    public List<ChunkMetadata> Replays { get; } = [];

    /// <summary>A stage failed (logged and counted): nothing of it is acked, every message is released.</summary>
    public bool Failed { get; set; }
}

/// <summary>The acks a committed batch owes its devices.</summary>
internal sealed record BatchAcks(StagedBatch Batch, List<(ChunkMetadata Metadata, AckStatus Status)> Acks);
