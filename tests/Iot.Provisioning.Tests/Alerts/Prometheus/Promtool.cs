using System.Diagnostics;
using Iot.TestSupport;

namespace Iot.Provisioning.Tests.Alerts.Prometheus;

/// <summary>Debian's promtool and prometheus (cloud/scripts/setup.sh installs them) and the shipped broker-config/prometheus.</summary>
internal static class Promtool
{
    public static string Directory { get; } = Path.Combine(RepoPaths.Root, "broker-config", "prometheus");

    public static string RulesFile { get; } = Path.Combine(Directory, "rules", "iot-alerts.yml");

    public static string ConfigFile { get; } = Path.Combine(Directory, "prometheus.yml");

    public static async Task<(int Code, string Output)> RunAsync(params string[] args)
    {
        var start = new ProcessStartInfo("promtool") { WorkingDirectory = Directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        using var p = Process.Start(start) ?? throw new InvalidOperationException("promtool did not start (apt-get install prometheus; cloud/scripts/setup.sh)");
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await p.WaitForExitAsync(timeout.Token);
        }
        finally
        {
            // A hung promtool must not outlive the test run.
            if (!p.HasExited)
            {
                p.Kill(entireProcessTree: true);
            }
        }

        return (p.ExitCode, await stdout + await stderr);
    }
}
