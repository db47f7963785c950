using Iot.Protocol.Messages;

namespace Iot.Edge.Agent.Commands;

/// <summary>The answer to publish, and what to do once it is out (restart, re-provision: things that end the session).</summary>
public sealed record CommandOutcome(CommandResult Result, Action? AfterAnswer = null);
