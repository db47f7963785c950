using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Iot.Cloud.Pipeline.Jobs;

/// <summary>
/// Puts waiting transcription and analysis jobs back in the queue at start-up and every
/// <see cref="JobWorkerOptions.ResumeWaitingMinutes"/>: what they waited for (an engine, a model for the spoken
/// language, an analysis profile) is configuration that changes without telling the queue. A job still blocked waits
/// again with its reason at the cost of one cheap check.
/// </summary>
internal sealed partial class WaitingJobReviver(IJobQueue queue, IOptions<JobWorkerOptions> options, TimeProvider time, ILogger<WaitingJobReviver> logger) : BackgroundService
{
    private static readonly string[] Kinds = [JobKinds.Transcribe, JobKinds.Analyze];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var minutes = options.Value.ResumeWaitingMinutes;
        if (!options.Value.Enabled || minutes <= 0)
        {
            return;
        }

        using var timer = new PeriodicTimer(TimeSpan.FromMinutes(minutes), time);
        try
        {
            do
            {
                await ReviveAsync(stoppingToken).ConfigureAwait(false);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Host shutdown: nothing to finish.
        }
    }

    internal async Task ReviveAsync(CancellationToken cancellationToken)
    {
        foreach (var kind in Kinds)
        {
            try
            {
                var resumed = await queue.ResumeWaitingAsync(kind, cancellationToken).ConfigureAwait(false);
                if (resumed > 0)
                {
                    LogResumed(resumed, kind);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The database may be down for a moment; the next pass tries again.
                LogFailed(ex, kind);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "jobs: {Count} waiting {Kind} job(s) queued again to re-check what they waited for")]
    private partial void LogResumed(int count, string kind);

    [LoggerMessage(Level = LogLevel.Warning, Message = "jobs: could not re-queue waiting {Kind} jobs; trying again at the next pass")]
    private partial void LogFailed(Exception exception, string kind);
}
