using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Iot.TestSupport;

/// <summary>How a started host ends in the tests that check its shutdown log.</summary>
public enum ShutdownKind
{
    /// <summary>StopAsync, then Dispose: what <c>RunAsync</c> does on SIGTERM.</summary>
    StopThenDispose,

    /// <summary>
    /// Dispose without StopAsync: a <c>using var host</c> left early (the bench did so after a timeout). The services
    /// are cancelled by their own Dispose; a background service that then ends Canceled or faulted is logged by the host
    /// as BackgroundServiceFaulted (Error) and BackgroundServiceStoppingHost (Critical), because StopAsync never ran.
    /// Work still running meanwhile may fail for real (the container disposes the database under a job, whose
    /// outcome is then not recorded and retried after its lease): only the host's own fault events count here.
    /// </summary>
    DisposeOnly,
}

public static class HostShutdown
{
    private const string HostCategory = "Microsoft.Extensions.Hosting.Internal.Host";

    /// <summary>
    /// The events that must not be in the log after a shutdown of <paramref name="kind"/>: any Error or Critical after a
    /// stop, the host's fault reports (a background service that did not end cleanly) after a dispose.
    /// </summary>
    public static IReadOnlyList<Serilog.Events.LogEvent> Faults(LogCapture log, ShutdownKind kind)
    {
        ArgumentNullException.ThrowIfNull(log);
        var errors = log.AtOrAbove(Serilog.Events.LogEventLevel.Error);
        return kind == ShutdownKind.StopThenDispose
            ? errors
            : [.. errors.Where(e => e.Properties.TryGetValue("SourceContext", out var c) && c is Serilog.Events.ScalarValue { Value: HostCategory })];
    }

    /// <summary>
    /// Ends <paramref name="host"/> as <paramref name="kind"/> says, then waits until every background service's task
    /// has finished, so whatever the host logs about them has been logged.
    /// </summary>
    public static async Task EndAsync(IHost host, ShutdownKind kind)
    {
        ArgumentNullException.ThrowIfNull(host);
        var background = host.Services.GetServices<IHostedService>().OfType<BackgroundService>().ToList();
        if (kind == ShutdownKind.StopThenDispose)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await host.StopAsync(timeout.Token);
        }

        host.Dispose();

        // Their outcome is what the host logs, and the log is what the caller checks: wait without rethrowing (which
        // would also append this method to the stack trace the log shows).
        var all = Task.WhenAll(background.Select(b => b.ExecuteTask ?? Task.CompletedTask));
        await Task.WhenAny(all, Task.Delay(TimeSpan.FromSeconds(30)));
        if (!all.IsCompleted)
        {
            throw new TimeoutException("a background service did not end within 30 s of the host's " + kind);
        }

        _ = all.Exception; // observed: a faulted service is reported through the log, not as an unobserved task

        // The host logs a faulted service from a continuation of that service's task: give it the moment it needs.
        await Task.Delay(TimeSpan.FromMilliseconds(300));
    }
}
