using System.Globalization;
using Iot.Cloud.Pipeline.Jobs;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Iot.Cloud.Pipeline.Retention;

/// <summary>
/// Enqueues one <c>retention</c> job per UTC day (dedup key = the date). Every worker process may run this: the
/// dedup key collapses concurrent enqueues, and a second run on the same day finds nothing left to purge.
/// </summary>
public sealed partial class RetentionScheduler(
    IJobQueue queue,
    IOptions<RetentionOptions> options,
    TimeProvider time,
    ILogger<RetentionScheduler> logger) : BackgroundService
{
    private DateOnly? _lastEnqueued;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMinutes(options.Value.SchedulerCheckMinutes), time);

        // The wait for the next tick throws when the host stops. Escaping, that left ExecuteAsync Canceled, which the
        // host forgives only after its StopAsync: a host disposed without one (a `using` left early, as the bench did
        // after a timeout) logged BackgroundServiceFaulted and a Fatal "stopping the host". A stop is no fault: end.
        try
        {
            do
            {
                try
                {
                    await EnqueueTodayAsync(stoppingToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    LogFailed(ex);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Enqueues today's job unless this process already did; true when a job was enqueued now.</summary>
    public async Task<bool> EnqueueTodayAsync(CancellationToken cancellationToken)
    {
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        if (_lastEnqueued == today)
        {
            return false;
        }

        var key = today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var enqueued = await queue.EnqueueAsync(new JobRequest(JobKinds.Retention, PipelinePayloads.Date(today), key, JobPriority.Backfill), cancellationToken).ConfigureAwait(false);
        _lastEnqueued = today;
        LogScheduled(key, enqueued);
        return enqueued;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "retention: job for {Date} enqueued: {Enqueued}")]
    private partial void LogScheduled(string date, bool enqueued);

    [LoggerMessage(Level = LogLevel.Error, Message = "retention: could not enqueue today's job; trying again at the next check")]
    private partial void LogFailed(Exception exception);
}
