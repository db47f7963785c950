namespace Iot.Provisioning.Messaging;

/// <summary>
/// Ends a live broker session of a revoked identity. The broker integration implements it (the embedded broker can
/// disconnect a client; external brokers through their admin API); without one, revocation takes effect at the
/// device's next connect, which broker authentication refuses.
/// </summary>
public interface IDeviceSessionControl
{
    Task KickAsync(string username, CancellationToken cancellationToken);

    /// <summary>
    /// The stored secret of <paramref name="username"/> changed (a rotation finished): the broker must stop accepting the
    /// old one now, not when its cached verdict expires. Live sessions stay up; they were opened with the new secret.
    /// </summary>
    Task CredentialsChangedAsync(string username, CancellationToken cancellationToken);
}

/// <summary>Default when no broker integration is registered: nothing to kick, the registry refusal still applies.</summary>
public sealed class NoSessionControl : IDeviceSessionControl
{
    public Task KickAsync(string username, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task CredentialsChangedAsync(string username, CancellationToken cancellationToken) => Task.CompletedTask;
}
