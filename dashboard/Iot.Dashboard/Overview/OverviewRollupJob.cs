using Iot.Dashboard.Hosting;
using Microsoft.Extensions.Options;

namespace Iot.Dashboard.Overview;

/// <summary>
/// Runs <see cref="OverviewRollup"/> every <c>Dashboard:OverviewRollupSeconds</c>. It lives in the dashboard because the
/// overview is its only reader and every deployment that shows an overview runs a dashboard (pipeline workers may run
/// in the bridge, in iot-worker or nowhere); several dashboard instances take turns through an advisory lock.
/// </summary>
internal sealed partial class OverviewRollupJob(OverviewRollup rollup, TimeProvider time, IOptions<DashboardOptions> options, ILogger<OverviewRollupJob> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var seconds = options.Value.OverviewRollupSeconds;
        if (seconds == 0)
        {
            LogDisabled();
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var started = time.GetTimestamp();
                if (await rollup.RunOnceAsync(stoppingToken).ConfigureAwait(false) is { } run)
                {
                    LogRun(run.Buckets, run.TenantsRebuilt, run.Transactions, run.Dialogues, time.GetElapsedTime(started).TotalMilliseconds,
                        run.Overview.TotalMilliseconds, run.Performance.TotalMilliseconds, run.OfferedItems.TotalMilliseconds);
                }
                else
                {
                    LogBusy();
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // Next pass recomputes from the same watermark: nothing is lost, the overview reads raw rows meanwhile.
                LogFailed(ex);
            }

            try
            {
                await Task.Delay(TimeSpan.FromSeconds(seconds), time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Overview roll-up is off (Dashboard:OverviewRollupSeconds = 0); the overview reads raw rows")]
    private partial void LogDisabled();

    [LoggerMessage(Level = LogLevel.Debug, Message = "Overview roll-up recomputed {Buckets} tenant-days ({Rebuilt} tenants rebuilt, {Transactions} transactions, {Dialogues} dialogues) in {Milliseconds:0} ms: overview {OverviewMs:0} ms, performance {PerformanceMs:0} ms, offered items {OfferedItemsMs:0} ms")]
    private partial void LogRun(int buckets, int rebuilt, int transactions, long dialogues, double milliseconds, double overviewMs, double performanceMs, double offeredItemsMs);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Overview roll-up skipped: another dashboard instance is running it")]
    private partial void LogBusy();

    [LoggerMessage(Level = LogLevel.Error, Message = "Overview roll-up pass failed; retrying next interval")]
    private partial void LogFailed(Exception ex);
}
