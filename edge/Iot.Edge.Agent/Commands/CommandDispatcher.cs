using Iot.Edge.Agent.Gpio;
using Iot.Edge.Agent.Provisioning;
using Iot.Edge.Agent.Recording;
using Iot.Protocol.Messages;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Iot.Edge.Agent.Commands;

/// <summary>
/// Runs commands from the device's cmd topic and produces the <see cref="CommandResult"/> for each. Queue-system events
/// (visit_call …) arrive here when the queue system talks to the cloud rather than to the desk PC. A command id seen
/// before (QoS 1 redelivery, a cloud retry) gets its first answer again without running twice; the memory of ids is
/// in-process and bounded, which covers redeliveries but not a retry across an agent restart.
/// </summary>
public sealed partial class CommandDispatcher(
    RecordingController recording,
    Reprovisioner reprovisioner,
    HealthCodeBlinkRequest blink,
    IHostApplicationLifetime lifetime,
    TimeProvider time,
    ILogger<CommandDispatcher> logger)
{
    public const int RememberedResults = 256;
    private readonly Dictionary<Guid, CommandResult> _answered = [];
    private readonly Queue<Guid> _answerOrder = new();
    private readonly SemaphoreSlim _gate = new(1, 1);

    public async Task<CommandOutcome> HandleAsync(DeviceCommand command, ICommandSession session, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(session);
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (_answered.TryGetValue(command.CommandId, out var earlier))
            {
                LogDuplicate(command.CommandId, command.Name);
                return new CommandOutcome(earlier);
            }

            var outcome = await RunAsync(command, session, ct).ConfigureAwait(false);
            Remember(outcome.Result);
            LogCommand(command.CommandId, command.Name, outcome.Result.Status.ToString(), outcome.Result.Detail);
            return outcome;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<CommandOutcome> RunAsync(DeviceCommand command, ICommandSession session, CancellationToken ct)
    {
        if (command.ExpiresAtUtc is { } expires && expires < time.GetUtcNow())
        {
            return Answer(command, CommandStatus.Expired, $"command expired at {expires:O}");
        }

        if (AgentEvent.Types.Contains(command.Name))
        {
            var e = recording.Handle(new AgentEvent(command.Name, command.Args.GetValueOrDefault("transactionId"), command.Args.GetValueOrDefault("operator")));
            return Answer(command, e.Accepted ? CommandStatus.Done : CommandStatus.Rejected, e.Message);
        }

        switch (command.Name)
        {
            case "start-recording" or "stop-recording":
                recording.SetManualOverride(command.Name == "start-recording");
                return Answer(command, CommandStatus.Done, $"manual override until the recording policy changes; now: {recording.Evaluate().Reason}");
            case "blink":
                return Answer(command, CommandStatus.Done, blink.Request() ? "blinking the health code" : "no status LED on this device; nothing blinked");
            case "reprovision":
                if (!reprovisioner.CanReprovision)
                {
                    return Answer(command, CommandStatus.Rejected, "provisioning is not configured (Provisioning:ClaimPath)");
                }

                return new CommandOutcome(Result(command, CommandStatus.Done, "credentials will be deleted; the claim flow starts"), () => reprovisioner.Reprovision("command"));
            case "rotate-credentials":
                if (command.Args.GetValueOrDefault("password") is not { Length: > 0 } password)
                {
                    return Answer(command, CommandStatus.Rejected, "args.password is required");
                }

                var error = await session.RotateCredentialsAsync(command.CommandId, password, ct).ConfigureAwait(false);
                return Answer(command, error is null ? CommandStatus.Done : CommandStatus.Failed, error ?? "reconnected with the new credentials");
            case "upload-logs":
                return Answer(command, CommandStatus.Rejected, "upload-logs is not supported yet");
            case "restart":
                // The service manager (systemd Restart=always, Windows service recovery) starts the agent again.
                return new CommandOutcome(Result(command, CommandStatus.Done, "stopping; the service manager restarts the agent"), lifetime.StopApplication);
            default:
                return Answer(command, CommandStatus.Rejected, $"unknown command '{command.Name}'");
        }
    }

    private CommandOutcome Answer(DeviceCommand command, CommandStatus status, string? detail) => new(Result(command, status, detail));

    private CommandResult Result(DeviceCommand command, CommandStatus status, string? detail) =>
        new() { CommandId = command.CommandId, Status = status, Detail = detail, AtUtc = time.GetUtcNow() };

    private void Remember(CommandResult result)
    {
        _answered[result.CommandId] = result;
        _answerOrder.Enqueue(result.CommandId);
        while (_answerOrder.Count > RememberedResults)
        {
            _answered.Remove(_answerOrder.Dequeue());
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Command {CommandId} {Name}: {Status}, {Detail}")]
    private partial void LogCommand(Guid commandId, string name, string status, string? detail);

    [LoggerMessage(Level = LogLevel.Information, Message = "Command {CommandId} {Name} seen before; answering again without running it")]
    private partial void LogDuplicate(Guid commandId, string name);
}
