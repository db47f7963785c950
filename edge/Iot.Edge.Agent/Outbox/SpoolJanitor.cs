using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Iot.Edge.Agent.Outbox;

/// <summary>
/// Keeps the spool within its age and size limits when the cloud has been unreachable for long: the oldest unsent
/// chunks go first, and every drop is counted and reported in telemetry. Losing old audio beats filling the SD card.
/// </summary>
internal sealed partial class SpoolJanitor(ChunkOutbox outbox, IOptions<SpoolOptions> options, TimeProvider time, ILogger<SpoolJanitor> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var o = options.Value;
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(o.CheckSeconds), time);
        do
        {
            try
            {
                var dropped = outbox.EnforceLimits(time.GetUtcNow().AddDays(-o.MaxAgeDays), o.MaxBytes);
                if (dropped > 0)
                {
                    LogDropped(dropped, o.MaxAgeDays, o.MaxSizeGb);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogFailed(ex);
            }
        }
        while (await WaitAsync(timer, stoppingToken).ConfigureAwait(false));
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken ct)
    {
        try
        {
            return await timer.WaitForNextTickAsync(ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Spool janitor dropped {Count} unsent chunk(s) to stay within {MaxAgeDays} days / {MaxSizeGb} GB")]
    private partial void LogDropped(int count, double maxAgeDays, double maxSizeGb);

    [LoggerMessage(Level = LogLevel.Error, Message = "Spool janitor pass failed")]
    private partial void LogFailed(Exception exception);
}
