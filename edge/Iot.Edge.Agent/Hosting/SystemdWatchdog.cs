using Iot.Edge.Agent.Uplink;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Systemd;
using Microsoft.Extensions.Logging;

namespace Iot.Edge.Agent.Hosting;

/// <summary>
/// Pings systemd's watchdog (WatchdogSec in the unit) only while the uplink loop is turning, so a hung agent is
/// restarted by systemd instead of sitting silent in a store. The uplink loop turns at least every second whatever
/// the broker or microphone are doing, which is why it, and not the recorder, is the proof of life.
/// </summary>
internal sealed partial class SystemdWatchdog(
    UplinkStatus uplink,
    TimeProvider time,
    ILogger<SystemdWatchdog> logger,
    ISystemdNotifier? notifier = null,
    WatchdogInterval? watchdog = null) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (notifier is not { IsEnabled: true } || watchdog is null)
        {
            return;
        }

        var interval = watchdog.Value;

        // Ping at half the deadline, as sd_watchdog_enabled(3) recommends.
        using var timer = new PeriodicTimer(interval / 2, time);
        var stale = false;
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                var age = time.GetElapsedTime(uplink.HeartbeatTimestamp);
                if (uplink.HeartbeatTimestamp != 0 && age < interval)
                {
                    notifier.Notify(new ServiceState("WATCHDOG=1"));
                    stale = false;
                }
                else if (!stale)
                {
                    stale = true;
                    LogStalled(age);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Critical, Message = "Uplink loop silent for {Age}; withholding the watchdog ping so systemd restarts the agent")]
    private partial void LogStalled(TimeSpan age);
}

/// <summary>systemd's WatchdogSec, as passed in WATCHDOG_USEC.</summary>
public sealed record WatchdogInterval(TimeSpan Value)
{
    public static WatchdogInterval? FromEnvironment() =>
        long.TryParse(Environment.GetEnvironmentVariable("WATCHDOG_USEC"), out var usec) && usec > 0 ? new(TimeSpan.FromMicroseconds(usec)) : null;
}
