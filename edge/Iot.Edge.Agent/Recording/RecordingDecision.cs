namespace Iot.Edge.Agent.Recording;

/// <summary>Whether audio is kept right now, for which visit, and why (shown on /health and in telemetry).</summary>
/// <param name="Operator">Desk user the recording is attributed to (the visit's operator, else the logged-in user).</param>
public readonly record struct RecordingDecision(bool Record, string? TransactionId, string Reason, string? Operator = null);
