using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Iot.TestSupport;

namespace Iot.Cloud.Pipeline.Tests.Jobs;

/// <summary>iot-test-worker (the real worker host plus a slow test handler) as a child process, as systemd would run it.</summary>
internal sealed class WorkerProcess : IDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    private WorkerProcess(Process process) => _process = process;

    public static WorkerProcess Start(string connectionString, string workerId, int leaseSeconds)
    {
        var psi = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[]
        {
            Path.Combine(AppContext.BaseDirectory, "iot-test-worker.dll"),
            $"--Database:ConnectionString={connectionString}",
            $"--Pipeline:Workers:WorkerId={workerId}",
            $"--Pipeline:Workers:LeaseSeconds={leaseSeconds.ToString(CultureInfo.InvariantCulture)}",
            "--Pipeline:Workers:PollSeconds=0.5",
            "--Serilog:MinimumLevel:Default=Information",
            // Several workers run side by side here: each takes a free port for its health probes.
            "--Worker:Health:Port=0",
        })
        {
            psi.ArgumentList.Add(a);
        }

        var worker = new WorkerProcess(Process.Start(psi)!);
        worker._process.OutputDataReceived += (_, e) => worker.Collect(e.Data);
        worker._process.ErrorDataReceived += (_, e) => worker.Collect(e.Data);
        worker._process.BeginOutputReadLine();
        worker._process.BeginErrorReadLine();
        return worker;
    }

    public string Output => string.Join('\n', _output);

    public bool HasExited => _process.HasExited;

    public async Task KillAsync()
    {
        await ExternalTool.RunCheckedAsync("kill", ["-9", _process.Id.ToString(CultureInfo.InvariantCulture)]);
        await _process.WaitForExitAsync();
    }

    public async Task<int> TerminateAsync()
    {
        await ExternalTool.RunCheckedAsync("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _process.WaitForExitAsync(timeout.Token);
        return _process.ExitCode;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
        }

        _process.Dispose();
    }

    private void Collect(string? line)
    {
        if (line is not null && _output.Count < 500)
        {
            _output.Enqueue(line);
        }
    }
}
