using Iot.Provisioning.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Iot.Provisioning.Service;

public sealed partial class CommandSweeper(CommandTracker commands, IOptions<ProvisioningOptions> options, TimeProvider time, ILogger<CommandSweeper> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var period = TimeSpan.FromSeconds(options.Value.CommandSweepSeconds);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var timedOut = await commands.SweepAsync(stoppingToken).ConfigureAwait(false);
                if (timedOut > 0)
                {
                    LogTimedOut(timedOut);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                LogSweepFailed(ex);
            }

            // One wait for both outcomes, inside the catch of the stop: after a failed sweep it used to sit in the catch
            // clause, where a stop during it escaped ExecuteAsync (a fault for a host disposed without StopAsync).
            try
            {
                await Task.Delay(period, time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Count} command(s) timed out")]
    private partial void LogTimedOut(int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Command sweep failed")]
    private partial void LogSweepFailed(Exception exception);
}
