namespace Iot.Edge.Agent.Outbox;

public sealed record OutboxStats(int Pending, long PendingBytes, int Quarantined, DateTimeOffset? OldestPendingUtc);
