using System.Diagnostics;

namespace Iot.TestSupport;

/// <summary>A real Mosquitto on a free loopback port, with persistence, that tests can kill and restart.</summary>
public sealed class MosquittoBroker : IAsyncDisposable
{
    private readonly TempDirectory _dir = new("mosquitto");
    private Process? _process;

    private MosquittoBroker(int port, TlsListener? tls)
    {
        Port = port;
        Tls = tls;
    }

    public int Port { get; }

    /// <summary>An extra MQTT-over-TLS listener, as broker-config/mosquitto/mosquitto.conf has for devices.</summary>
    public TlsListener? Tls { get; }

    public string LogPath => _dir.Sub("mosquitto.log");

    public static async Task<MosquittoBroker> StartAsync(TlsListener? tls = null)
    {
        var broker = new MosquittoBroker(FreePort.Next(), tls);
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
        if (Tls is { } tls)
        {
            await File.AppendAllTextAsync(config, $"""

                listener {tls.Port} 127.0.0.1
                certfile {tls.CertificateFile}
                keyfile {tls.KeyFile}
                tls_version tlsv1.2
                """, cancellationToken);
        }
        if (Environment.UserName == "root")
        {
            // Mosquitto started as root drops to the 'mosquitto' user, which must own its files.
            await ExternalTool.RunCheckedAsync("chown", ["-R", "mosquitto:mosquitto", _dir.Path]);
        }

        _process = await MosquittoProcess.StartAsync(config, LogPath, Tls is null ? [Port] : [Port, Tls.Port], cancellationToken);
    }

    /// <summary>SIGSTOP: the broker freezes with every connection open, as under a stall; <see cref="ResumeAsync"/> undoes it.</summary>
    public Task PauseAsync() => SignalAsync("-STOP");

    public Task ResumeAsync() => SignalAsync("-CONT");

    /// <summary>SIGKILL: no clean shutdown, no last save, exactly like a crash or power cut.</summary>
    public async Task KillAsync()
    {
        await MosquittoProcess.KillAsync(_process);
        _process = null;
    }

    private async Task SignalAsync(string signal)
    {
        var process = _process ?? throw new InvalidOperationException("mosquitto is not running");
        await ExternalTool.RunCheckedAsync("kill", [signal, process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _dir.Dispose();
    }
}

public sealed record TlsListener(int Port, string CertificateFile, string KeyFile);
