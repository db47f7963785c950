using System.Diagnostics;
using System.Globalization;

namespace Iot.TestSupport;

/// <summary>
/// One run of <c>dotnet some.dll args</c>: its output goes to a log file (kept across restarts) and the last lines
/// stay in memory for failure messages and readiness checks.
/// </summary>
public sealed class ChildProcess : IDisposable
{
    private const int TailLines = 200;
    private readonly Process _process;
    private readonly Queue<string> _tail = new();
    private readonly List<(Func<string, bool> Match, TaskCompletionSource Seen)> _waiters = [];
    private readonly StreamWriter _log;
    private readonly Lock _gate = new();
    private bool _disposed;

    private ChildProcess(Process process, StreamWriter log)
    {
        _process = process;
        _log = log;
    }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public int? ExitCode => _process.HasExited ? _process.ExitCode : null;

    /// <param name="environment">Variables set for the child only (e.g. its own TMPDIR, as on a machine of its own).</param>
    public static ChildProcess Start(string dll, IEnumerable<string> args, string logPath, IReadOnlyDictionary<string, string>? environment = null) =>
        Launch("dotnet", [Path.Combine(AppContext.BaseDirectory, dll), .. args], logPath, environment);

    /// <summary>A native program (e.g. the NativeAOT agent) instead of <c>dotnet some.dll</c>.</summary>
    public static ChildProcess StartExecutable(string path, IEnumerable<string> args, string logPath) => Launch(path, args, logPath);

    private static ChildProcess Launch(string program, IEnumerable<string> args, string logPath, IReadOnlyDictionary<string, string>? environment = null)
    {
        var psi = new ProcessStartInfo(program) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        // The children must not inherit a test-host environment that changes how they configure themselves.
        psi.Environment.Remove("DOTNET_ENVIRONMENT");
        psi.Environment.Remove("ASPNETCORE_ENVIRONMENT");
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            psi.Environment[name] = value;
        }

        var log = new StreamWriter(logPath, append: true) { AutoFlush = true };
        log.WriteLine($"--- {DateTime.UtcNow:O} start {string.Join(' ', psi.ArgumentList)}");
        var process = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {program}");
        var child = new ChildProcess(process, log);
        process.OutputDataReceived += (_, e) => child.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => child.OnLine(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>Completes when a line matching <paramref name="match"/> is printed (or was, among the last lines kept).</summary>
    public async Task WaitForLineAsync(Func<string, bool> match, TimeSpan timeout, string what)
    {
        var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            if (_tail.Any(match))
            {
                return;
            }

            _waiters.Add((match, seen));
        }

        var exited = _process.WaitForExitAsync();
        var done = await Task.WhenAny(seen.Task, exited, Task.Delay(timeout));
        if (done == seen.Task)
        {
            return;
        }

        if (done == exited)
        {
            // The exit can be seen before the last lines it printed are read (CI: a line naming the key, then exit 2,
            // and the wait failed). The parameterless WaitForExit returns once the redirected output has reached its end.
            _process.WaitForExit();
            lock (_gate)
            {
                if (_tail.Any(match))
                {
                    return;
                }
            }
        }

        var why = done == exited ? $"the process exited with {_process.ExitCode}" : $"nothing after {timeout.TotalSeconds:0} s";
        throw new TimeoutException($"waiting for {what}: {why}. Last output:\n{Tail(30)}");
    }

    public string Tail(int lines)
    {
        lock (_gate)
        {
            return string.Join('\n', _tail.Skip(Math.Max(0, _tail.Count - lines)));
        }
    }

    /// <summary>SIGKILL: no shutdown code runs at all, like a power cut of that one process.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
        }

        await _process.WaitForExitAsync();
        Note("killed (SIGKILL)");
    }

    /// <summary>SIGSTOP (freeze where it stands) or SIGCONT, to look at the world while the process cannot move.</summary>
    public async Task SignalAsync(string signal)
    {
        await ExternalTool.RunCheckedAsync("kill", [signal, Id.ToString(CultureInfo.InvariantCulture)]);
        Note($"sent {signal}");
    }

    /// <summary>SIGTERM and wait for a clean exit, as systemd stops a service; returns the exit code.</summary>
    public async Task<int> TerminateAsync(TimeSpan timeout)
    {
        if (!_process.HasExited)
        {
            await ExternalTool.RunAsync("kill", ["-TERM", Id.ToString(CultureInfo.InvariantCulture)]);
        }

        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"pid {Id} did not exit within {timeout.TotalSeconds:0} s of SIGTERM. Last output:\n{Tail(30)}");
        }

        Note($"exited {_process.ExitCode} after SIGTERM");
        return _process.ExitCode;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit(5000);
        }

        _process.Dispose();
        lock (_gate)
        {
            _disposed = true;
            _log.Dispose();
        }
    }

    private void Note(string what)
    {
        lock (_gate)
        {
            if (!_disposed)
            {
                _log.WriteLine($"--- {DateTime.UtcNow:O} {what}");
            }
        }
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        List<TaskCompletionSource> hits = [];
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _log.WriteLine(line);
            _tail.Enqueue(line);
            if (_tail.Count > TailLines)
            {
                _tail.Dequeue();
            }

            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Match(line))
                {
                    hits.Add(_waiters[i].Seen);
                    _waiters.RemoveAt(i);
                }
            }
        }

        foreach (var hit in hits)
        {
            hit.TrySetResult();
        }
    }
}
