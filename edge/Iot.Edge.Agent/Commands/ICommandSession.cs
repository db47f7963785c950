namespace Iot.Edge.Agent.Commands;

/// <summary>What a command needs from the live broker session (implemented by the uplink).</summary>
public interface ICommandSession
{
    /// <summary>Reconnects with <paramref name="password"/>; keeps it only when the broker accepts it. Null on success, else why not.</summary>
    Task<string?> RotateCredentialsAsync(string password, CancellationToken ct);
}
