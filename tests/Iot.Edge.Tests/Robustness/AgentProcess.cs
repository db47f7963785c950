using System.Diagnostics;
using Iot.TestSupport;

namespace Iot.Edge.Tests.Robustness;

/// <summary>The real agent executable as a child process, as systemd would run it.</summary>
internal sealed class AgentProcess : IDisposable
{
    private readonly Process _process;
    private readonly Queue<string> _tail = new();

    private AgentProcess(Process process) => _process = process;

    /// <summary>The agent's last lines of output, for failure messages.</summary>
    public string Tail
    {
        get
        {
            lock (_tail)
            {
                return string.Join('\n', _tail);
            }
        }
    }

    public int Id => _process.Id;

    public static AgentProcess Start(string spool, string wav, int chunkSeconds)
    {
        var psi = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[]
        {
            Path.Combine(AppContext.BaseDirectory, "iot-agent.dll"),
            "--Agent:TenantId=acme", "--Agent:DeviceId=pos-1", $"--Agent:SpoolDirectory={spool}", $"--Agent:ChunkSeconds={chunkSeconds}",
            $"--Audio:WavPath={wav}", "--Audio:Loop=true", "--Audio:RealTime=true", "--Recording:Trigger=Always",
            $"--Mqtt:Port={FreePort.Next()}", "--Serilog:MinimumLevel:Default=Warning",
        })
        {
            psi.ArgumentList.Add(a);
        }

        var process = Process.Start(psi)!;
        var agent = new AgentProcess(process);
        process.OutputDataReceived += (_, e) => agent.Remember(e.Data);
        process.ErrorDataReceived += (_, e) => agent.Remember(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return agent;
    }

    public async Task<int> TerminateAsync()
    {
        await ExternalTool.RunCheckedAsync("kill", ["-TERM", Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await _process.WaitForExitAsync(timeout.Token);
        return _process.ExitCode;
    }

    private void Remember(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_tail)
        {
            _tail.Enqueue(line);
            if (_tail.Count > 40)
            {
                _tail.Dequeue();
            }
        }
    }

    public async Task KillAsync()
    {
        _process.Kill();
        await _process.WaitForExitAsync();
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
        }

        _process.Dispose();
    }
}
