using Iot.Cloud.Pipeline.Jobs;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Iot.Cloud.Pipeline.Hosting;

/// <summary>
/// Reads queue depth periodically, logs it with the job counters (operators see backlog without a metrics stack) and
/// hands it to <see cref="JobMetrics"/>'s .NET gauges.
/// </summary>
internal sealed partial class JobMetricsReporter(
    JobMetrics metrics,
    JobQueueStats stats,
    IOptions<JobWorkerOptions> options,
    TimeProvider time,
    ILogger<JobMetricsReporter> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var o = options.Value;
        if (!o.Enabled || o.MetricsLogSeconds == 0)
        {
            return;
        }

        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(o.MetricsLogSeconds), time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                try
                {
                    var s = metrics.Snapshot();
                    var depth = await stats.ReadAsync(stoppingToken).ConfigureAwait(false);
                    metrics.OnDepth(depth);
                    var queued = depth.Where(d => d.Status == "queued").ToList();
                    LogCounters(
                        s.Claimed,
                        s.Completed,
                        s.Failed,
                        s.Dead,
                        s.Waiting,
                        queued.Sum(d => d.Count),
                        queued.Count == 0 ? 0 : queued.Max(d => d.OldestAgeSeconds));
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    LogFailed(ex);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Jobs: claimed {Claimed}, completed {Completed}, failed {Failed}, dead {Dead}, waiting {Waiting}; queued now {Queued}, oldest {OldestQueuedSeconds:0} s")]
    private partial void LogCounters(long claimed, long completed, long failed, long dead, long waiting, long queued, double oldestQueuedSeconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reading job queue metrics failed")]
    private partial void LogFailed(Exception exception);
}
