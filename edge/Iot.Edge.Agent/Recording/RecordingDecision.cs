namespace Iot.Edge.Agent.Recording;

/// <summary>Whether audio is kept right now, for which visit, and why (shown on /health and in telemetry).</summary>
public readonly record struct RecordingDecision(bool Record, string? TransactionId, string Reason);
