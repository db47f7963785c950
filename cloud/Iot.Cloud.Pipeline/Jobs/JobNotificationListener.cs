using Microsoft.Extensions.Logging;
using Npgsql;

namespace Iot.Cloud.Pipeline.Jobs;

/// <summary>
/// Holds one connection in LISTEN iot_jobs and wakes the worker when a job of a kind it runs is enqueued, so new work
/// starts without waiting for the poll. On connection loss it reconnects; polling covers the gap.
/// </summary>
internal sealed partial class JobNotificationListener(NpgsqlDataSource dataSource, JobWakeSignal wake, Func<string, bool> wanted, TimeProvider time, ILogger logger)
{
    private readonly TaskCompletionSource _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes once the first LISTEN is in place.</summary>
    public Task Listening => _listening.Task;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var retry = TimeSpan.FromSeconds(1);
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
                connection.Notification += (_, e) =>
                {
                    if (wanted(e.Payload))
                    {
                        wake.Set();
                    }
                };
                await using (var listen = new NpgsqlCommand($"LISTEN {PostgresJobQueue.Channel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                // Anything enqueued while not listening was not announced to us.
                wake.Set();
                _listening.TrySetResult();
                retry = TimeSpan.FromSeconds(1);
                while (true)
                {
                    await connection.WaitAsync(cancellationToken).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                LogListenFailed(ex, retry.TotalSeconds);
                wake.Set();
                await Task.Delay(retry, time, cancellationToken).ConfigureAwait(false);
                retry = TimeSpan.FromSeconds(Math.Min(retry.TotalSeconds * 2, 30));
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job notification listener failed; polling until it reconnects in {RetrySeconds} s")]
    private partial void LogListenFailed(Exception exception, double retrySeconds);
}
