using Iot.Cloud.Bridge.Ingest;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Iot.Cloud.Bridge.Hosting;

/// <summary>Logs ingest counters once a minute so operators see throughput and rejections without a metrics stack.</summary>
internal sealed partial class MetricsReporter(IngestMetrics metrics, TimeProvider time, ILogger<MetricsReporter> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMinutes(1), time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                LogCounters(metrics.Received, metrics.Stored, metrics.Duplicates, metrics.RejectedTotal, metrics.Unroutable, metrics.BatchFailures);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Ingest: received {Received}, stored {Stored}, duplicates {Duplicates}, rejected {Rejected}, unroutable {Unroutable}, failed batches {BatchFailures}")]
    private partial void LogCounters(long received, long stored, long duplicates, long rejected, long unroutable, long batchFailures);
}
