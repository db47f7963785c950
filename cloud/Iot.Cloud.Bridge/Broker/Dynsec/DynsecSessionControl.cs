namespace Iot.Cloud.Bridge.Broker.Dynsec;

/// <summary>
/// <see cref="IDeviceSessionControl"/> for Mosquitto: a revoked credential is no longer in PostgreSQL's desired
/// state, so an immediate reconcile pass deletes its dynsec client, and Mosquitto disconnects the live session itself.
/// </summary>
internal sealed class DynsecSessionControl(DynsecReconciler reconciler) : IDeviceSessionControl
{
    /// <summary>Runs a pass now. Mosquitto does not report whom it disconnected, so the count is always 0.</summary>
    public async Task<int> KickAsync(string username, CancellationToken cancellationToken)
    {
        await reconciler.ReconcileAsync(cancellationToken).ConfigureAwait(false);
        return 0;
    }

    /// <summary>Pushes the new password to Mosquitto now instead of at the next periodic pass.</summary>
    public Task CredentialsChangedAsync(string username, CancellationToken cancellationToken) => reconciler.ReconcileAsync(cancellationToken);
}
