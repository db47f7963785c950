using Iot.Edge.Agent.Recording;
using Iot.Protocol.Messages;
using Microsoft.Extensions.Logging;

namespace Iot.Edge.Agent.Commands;

/// <summary>
/// Routes commands from the device's cmd topic. Queue-system events (visit_call …) arrive here when the queue system
/// talks to the cloud rather than to the desk PC. Expired and unknown commands are refused with a reason, never thrown.
/// </summary>
public sealed partial class CommandDispatcher(RecordingController recording, TimeProvider time, ILogger<CommandDispatcher> logger)
{
    public EventOutcome Dispatch(DeviceCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        EventOutcome outcome;
        if (command.ExpiresAtUtc is { } expires && expires < time.GetUtcNow())
        {
            outcome = new EventOutcome(false, $"command expired at {expires:O}");
        }
        else if (AgentEvent.Types.Contains(command.Name))
        {
            outcome = recording.Handle(new AgentEvent(command.Name, command.Args.GetValueOrDefault("transactionId"), command.Args.GetValueOrDefault("operator")));
        }
        else
        {
            outcome = new EventOutcome(false, $"unknown command '{command.Name}'");
        }

        LogCommand(command.CommandId, command.Name, outcome.Accepted, outcome.Message);
        return outcome;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Command {CommandId} {Name}: accepted={Accepted}, {Message}")]
    private partial void LogCommand(Guid commandId, string name, bool accepted, string message);
}
