using System.Diagnostics;
using Iot.TestSupport;

namespace Iot.Integration.Tests.Infrastructure;

/// <summary>A real Mosquitto on a free loopback port, with persistence, that tests can kill and restart.</summary>
public sealed class MosquittoBroker : IAsyncDisposable
{
    private readonly TempDirectory _dir = new("mosquitto");
    private Process? _process;

    private MosquittoBroker(int port) => Port = port;

    public int Port { get; }

    public string LogPath => _dir.Sub("mosquitto.log");

    public static async Task<MosquittoBroker> StartAsync()
    {
        var broker = new MosquittoBroker(FreePort.Next());
        await broker.StartAsync(CancellationToken.None);
        return broker;
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var config = _dir.Sub("mosquitto.conf");
        await File.WriteAllTextAsync(config, $"""
            listener {Port} 127.0.0.1
            allow_anonymous true
            persistence true
            persistence_location {_dir.Path}/
            autosave_interval 1
            max_queued_messages 100000
            log_dest file {LogPath}
            log_type error
            log_type warning
            log_type notice
            """, cancellationToken);
        if (Environment.UserName == "root")
        {
            // Mosquitto started as root drops to the 'mosquitto' user, which must own its files.
            await ExternalTool.RunCheckedAsync("chown", ["-R", "mosquitto:mosquitto", _dir.Path]);
        }

        _process = await MosquittoProcess.StartAsync(config, LogPath, [Port], cancellationToken);
    }

    /// <summary>SIGKILL: no clean shutdown, no last save, exactly like a crash or power cut.</summary>
    public async Task KillAsync()
    {
        await MosquittoProcess.KillAsync(_process);
        _process = null;
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _dir.Dispose();
    }
}
