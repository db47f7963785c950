namespace Iot.Edge.Agent.Outbox;

/// <summary>One sealed chunk in the LiteDB outbox. Times are UTC ticks: LiteDB would otherwise hand DateTimes back in local time.</summary>
public sealed class OutboxEntry
{
    public Guid Id { get; set; }

    public long Sequence { get; set; }

    public string MetadataJson { get; set; } = "";

    public string FileName { get; set; } = "";

    public long Bytes { get; set; }

    public OutboxState State { get; set; }

    public int Attempts { get; set; }

    public long CreatedUtcTicks { get; set; }

    public long NextAttemptUtcTicks { get; set; }

    public string? LastError { get; set; }
}
