namespace Iot.Edge.Agent.Outbox;

/// <param name="DroppedTotal">Unsent chunks sacrificed to spool limits since the device was installed.</param>
public sealed record OutboxStats(int Pending, long PendingBytes, int Quarantined, DateTimeOffset? OldestPendingUtc, long DroppedTotal = 0);
