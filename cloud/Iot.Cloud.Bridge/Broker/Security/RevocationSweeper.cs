using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Iot.Cloud.Bridge.Broker.Security;

/// <summary>
/// Every few seconds, disconnects live device/claim sessions whose credential PostgreSQL no longer honours. Revocation
/// thus takes effect within seconds even when whoever revoked did not call <see cref="IDeviceSessionControl.KickAsync"/>.
/// </summary>
internal sealed partial class RevocationSweeper(
    EmbeddedBroker broker,
    CredentialStore store,
    BrokerGatekeeper gatekeeper,
    TimeProvider time,
    ILogger<RevocationSweeper> logger) : BackgroundService
{
    internal static readonly TimeSpan Period = TimeSpan.FromSeconds(2);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!gatekeeper.Enforcing)
        {
            return;
        }

        using var timer = new PeriodicTimer(Period, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                try
                {
                    var connected = await broker.ConnectedCredentialsAsync(stoppingToken).ConfigureAwait(false);
                    foreach (var username in await store.FindBarredUsernamesAsync(connected, stoppingToken).ConfigureAwait(false))
                    {
                        await broker.KickAsync(username, stoppingToken).ConfigureAwait(false);
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogSweepFailed(ex);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Revocation sweep failed; retrying next period")]
    private partial void LogSweepFailed(Exception exception);
}
