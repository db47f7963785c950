namespace Iot.Edge.Agent.Commands;

/// <summary>What a command needs from the live broker session (implemented by the uplink).</summary>
public interface ICommandSession
{
    /// <summary>
    /// Reports the command <c>accepted</c> (brokers that hold one secret per client, such as Mosquitto's dynsec, switch
    /// to the new one on that signal), then reconnects with <paramref name="password"/>, retrying for a few seconds;
    /// keeps it only when the broker accepts it. Null on success, else why not.
    /// </summary>
    Task<string?> RotateCredentialsAsync(Guid commandId, string password, CancellationToken ct);
}
