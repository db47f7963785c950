namespace Iot.Edge.Agent.Outbox;

/// <summary>A persistent counter in LiteDB (last sequence handed out, chunks dropped); updated inside the relevant write.</summary>
public sealed class SequenceCounter
{
    public string Id { get; set; } = "";

    public long Value { get; set; }
}
