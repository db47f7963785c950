using System.Diagnostics;
using System.Net.Sockets;

namespace Iot.TestSupport;

/// <summary>Starts <c>mosquitto -c config</c> and returns once every given port accepts connections.</summary>
public static class MosquittoProcess
{
    public static async Task<Process> StartAsync(string configPath, string logPath, IReadOnlyList<int> ports, CancellationToken cancellationToken = default)
    {
        var psi = new ProcessStartInfo(ExternalTool.Require("mosquitto")) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(configPath);
        var process = Process.Start(psi) ?? throw new InvalidOperationException("mosquitto did not start");
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(10))
        {
            if (process.HasExited)
            {
                var log = File.Exists(logPath) ? await File.ReadAllTextAsync(logPath, cancellationToken) : "";
                throw new InvalidOperationException($"mosquitto exited with {process.ExitCode}: {await process.StandardError.ReadToEndAsync(cancellationToken)} {log}");
            }

            try
            {
                foreach (var port in ports)
                {
                    using var probe = new TcpClient();
                    await probe.ConnectAsync("127.0.0.1", port, cancellationToken);
                }

                return process;
            }
            catch (SocketException)
            {
                await Task.Delay(50, cancellationToken);
            }
        }

        process.Kill();
        process.Dispose();
        throw new TimeoutException($"mosquitto did not listen on {string.Join('/', ports)}");
    }

    /// <summary>SIGKILL and wait: no clean shutdown, no last save, like a crash or power cut.</summary>
    public static async Task KillAsync(Process? process)
    {
        if (process is null)
        {
            return;
        }

        if (!process.HasExited)
        {
            process.Kill();
            await process.WaitForExitAsync();
        }

        process.Dispose();
    }
}
