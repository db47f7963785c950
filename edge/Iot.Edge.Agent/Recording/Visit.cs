namespace Iot.Edge.Agent.Recording;

public sealed record Visit(string TransactionId, string? Operator, DateTimeOffset StartedAtUtc);
