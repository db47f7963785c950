using System.Diagnostics;
using System.Net.Sockets;

namespace Iot.Bench;

/// <summary>A private Mosquitto for the run, configured like production (persistence on, generous queues).</summary>
internal sealed class Mosquitto : IAsyncDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "iot-bench-mosquitto-" + Guid.NewGuid().ToString("n"));
    private Process? _process;

    public int Port { get; } = FreePort();

    public int Pid => _process?.Id ?? throw new InvalidOperationException("mosquitto is not running");

    public async Task StartAsync()
    {
        Directory.CreateDirectory(_dir);
        var config = Path.Combine(_dir, "mosquitto.conf");
        await File.WriteAllTextAsync(config, $"""
            listener {Port} 127.0.0.1
            allow_anonymous true
            persistence true
            persistence_location {_dir}/
            max_queued_messages 1000000
            max_inflight_messages 0
            log_dest none
            """);
        if (Environment.UserName == "root")
        {
            using var chown = Process.Start("chown", ["-R", "mosquitto:mosquitto", _dir]);
            await chown.WaitForExitAsync();
        }

        _process = Process.Start(new ProcessStartInfo("mosquitto", ["-c", config]) { UseShellExecute = false, RedirectStandardError = true });
        for (var i = 0; i < 100; i++)
        {
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync("127.0.0.1", Port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(50);
            }
        }

        throw new InvalidOperationException("mosquitto did not start");
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        Directory.Delete(_dir, recursive: true);
    }

    /// <summary>The installed version, for the headline; a missing Mosquitto stops the run with what to do.</summary>
    public static string Version()
    {
        try
        {
            using var p = Process.Start(new ProcessStartInfo("mosquitto", ["-h"]) { RedirectStandardOutput = true, UseShellExecute = false })!;
            var first = p.StandardOutput.ReadLine() ?? "";
            p.WaitForExit();
            return first.Replace("mosquitto version ", "", StringComparison.Ordinal).Trim();
        }
        catch (System.ComponentModel.Win32Exception)
        {
            throw new InvalidOperationException("mosquitto is not installed; run bench/run.sh, which installs it");
        }
    }

    private static int FreePort()
    {
        var l = new TcpListener(System.Net.IPAddress.Loopback, 0);
        l.Start();
        var port = ((System.Net.IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }
}
