namespace Iot.Edge.Agent.Outbox;

/// <summary>LiteDB document holding the last sequence number handed out; updated in the same transaction as the insert.</summary>
public sealed class SequenceCounter
{
    public string Id { get; set; } = "chunk-sequence";

    public long Value { get; set; }
}
