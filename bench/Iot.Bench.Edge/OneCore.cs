using System.Diagnostics;

namespace Iot.Bench.Edge;

/// <summary>
/// Runs a benchmark on CPU 0 alone, as on a single-core budget. The process re-executes itself under
/// <c>taskset -c 0</c> rather than setting <see cref="Process.ProcessorAffinity"/>: on Linux that setter reaches only the
/// main thread, so the GC, thread-pool and ONNX Runtime threads started earlier would keep running on the other core.
/// </summary>
internal static class OneCore
{
    private const string PinnedMarker = "IOT_BENCH_PINNED";

    /// <summary>Null when this process is already pinned; otherwise runs the pinned copy and returns its exit code.</summary>
    public static async Task<int?> RelaunchPinnedAsync(string[] args)
    {
        if (Environment.GetEnvironmentVariable(PinnedMarker) == "1")
        {
            return null;
        }

        var start = new ProcessStartInfo("taskset") { UseShellExecute = false };
        foreach (var arg in TasksetArgs(SelfCommand().Concat(args)))
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment[PinnedMarker] = "1";
        AddGcSettings(start);
        using var child = Process.Start(start) ?? throw new InvalidOperationException("taskset did not start");
        await child.WaitForExitAsync();
        return child.ExitCode;
    }

    /// <summary><c>taskset -c 0</c> in front of a command line.</summary>
    public static IEnumerable<string> TasksetArgs(IEnumerable<string> command) => ["-c", "0", .. command];

    /// <summary>The agent's own settings (workstation, non-concurrent GC), also for a bench process that measures it.</summary>
    public static void AddGcSettings(ProcessStartInfo start)
    {
        start.Environment["DOTNET_gcServer"] = "0";
        start.Environment["DOTNET_gcConcurrent"] = "0";
    }

    /// <summary>Proof of the pinning: every thread of this process and the CPUs it may run on.</summary>
    public static string DescribeThreads()
    {
        var masks = Directory.GetDirectories("/proc/self/task")
            .Select(task => CpusAllowed(Path.Combine(task, "status")))
            .Where(mask => mask is not null)
            .ToList();
        var distinct = masks.Distinct(StringComparer.Ordinal).ToList();
        return $"{masks.Count} threads, allowed CPUs {string.Join(" | ", distinct)}";
    }

    public static string LoadAverage() =>
        string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));

    public static string GcMode() =>
        $"{(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation")} GC, latency mode {System.Runtime.GCSettings.LatencyMode}";

    private static string? CpusAllowed(string statusPath)
    {
        try
        {
            return File.ReadLines(statusPath)
                .FirstOrDefault(l => l.StartsWith("Cpus_allowed_list:", StringComparison.Ordinal))?
                .Split(':', 2)[1].Trim();
        }
        catch (IOException)
        {
            // The thread ended while being listed.
            return null;
        }
    }

    private static IEnumerable<string> SelfCommand()
    {
        var host = Environment.ProcessPath ?? throw new InvalidOperationException("no process path");
        // Under `dotnet Iot.Bench.Edge.dll` the host is dotnet itself and needs the assembly; the apphost does not.
        return Path.GetFileNameWithoutExtension(host).Equals("dotnet", StringComparison.OrdinalIgnoreCase)
            ? [host, typeof(OneCore).Assembly.Location]
            : [host];
    }
}
