namespace Iot.Protocol.Retry;

/// <summary>
/// Keeps a cloud-side MQTT session up for as long as <paramref name="stoppingToken"/> runs: connects when it is down,
/// backs off after failed attempts, and reports (never swallows) a failed iteration before trying again.
/// </summary>
public static class ReconnectLoop
{
    public static async Task RunAsync(
        Func<bool> isConnected,
        Func<CancellationToken, Task<bool>> tryConnect,
        Action<Exception> onIterationFailed,
        TimeProvider time,
        CancellationToken stoppingToken)
    {
        ArgumentNullException.ThrowIfNull(isConnected);
        ArgumentNullException.ThrowIfNull(tryConnect);
        ArgumentNullException.ThrowIfNull(onIterationFailed);
        var failures = 0;
        var backoff = new ExponentialBackoff(TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(30));
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (!isConnected())
                {
                    if (!await tryConnect(stoppingToken).ConfigureAwait(false))
                    {
                        await Task.Delay(backoff.Delay(failures++), time, stoppingToken).ConfigureAwait(false);
                        continue;
                    }

                    failures = 0;
                }

                await Task.Delay(TimeSpan.FromMilliseconds(250), time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (ObjectDisposedException)
            {
                // The client was disposed under us (host shutdown, or a fault test aborting the session).
                break;
            }
            catch (Exception ex)
            {
                onIterationFailed(ex);
                await Task.Delay(backoff.Delay(failures++), time, stoppingToken).ConfigureAwait(false);
            }
        }
    }
}
