namespace Iot.Edge.Agent.Recording;

/// <summary>What became of an event; returned to the HTTP caller and logged.</summary>
public sealed record EventOutcome(bool Accepted, string Message);
