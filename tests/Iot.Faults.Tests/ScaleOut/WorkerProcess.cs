using System.Globalization;
using Iot.TestSupport;

namespace Iot.Faults.Tests.ScaleOut;

/// <summary>
/// The real <c>iot-worker</c> executable as a child process, on a "machine" of its own: its own temp directory
/// (TMPDIR) and no path shared with any other process; audio only through the object store.
/// </summary>
public sealed class WorkerProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private readonly ChildProcess _child;

    private WorkerProcess(string workerId, ChildProcess child)
    {
        WorkerId = workerId;
        _child = child;
    }

    /// <summary>The worker's id, as <c>jobs.locked_by</c> shows it.</summary>
    public string WorkerId { get; }

    public bool IsRunning => !_child.HasExited;

    public static async Task<WorkerProcess> StartAsync(string workerId, string connectionString, string machineDirectory, IReadOnlyDictionary<string, string> extra)
    {
        var child = MachineProcess.Start(
            "iot-worker.dll",
            new Dictionary<string, string>
            {
                ["Database:ConnectionString"] = connectionString,
                ["Pipeline:Workers:WorkerId"] = workerId,
                ["Worker:Health:Port"] = "0",
                ["Serilog:MinimumLevel:Default"] = "Information",
                ["Serilog:MinimumLevel:Override:Microsoft"] = "Warning",
            },
            extra,
            machineDirectory,
            "worker.log");
        await child.WaitForLineAsync(line => line.Contains("Job worker", StringComparison.Ordinal) && line.Contains(workerId, StringComparison.Ordinal) && line.Contains("started", StringComparison.Ordinal), StartTimeout, $"{workerId} to start");
        return new WorkerProcess(workerId, child);
    }

    public Task KillAsync() => _child.KillAsync();

    public Task<int> TerminateAsync() => _child.TerminateAsync(TimeSpan.FromSeconds(40));

    public string Tail(int lines = 20) => _child.Tail(lines);

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{WorkerId} (pid {_child.Id}, {(IsRunning ? "running" : $"exited {_child.ExitCode}")})");

    public async ValueTask DisposeAsync()
    {
        await _child.KillAsync();
        _child.Dispose();
    }
}
