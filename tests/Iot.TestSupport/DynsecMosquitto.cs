using System.Diagnostics;
using System.Security.Cryptography;
namespace Iot.TestSupport;

/// <summary>
/// Mosquitto started from the shipped <c>broker-config/mosquitto/mosquitto.conf</c> (paths and ports rewritten to a
/// temporary folder and free ports), with certificates from <c>make-certs.sh</c> and a dynsec file from
/// <c>mosquitto_ctrl dynsec init</c>. Restartable: the dynsec file and persistence survive.
/// </summary>
public sealed class DynsecMosquitto : IAsyncDisposable
{
    private readonly TempDirectory _dir = new("mosquitto-dynsec");
    private Process? _process;

    private DynsecMosquitto()
    {
    }

    public int Port { get; } = FreePort.Next();

    public int TlsPort { get; } = FreePort.Next();

    public string AdminPassword { get; } = Convert.ToBase64String(RandomNumberGenerator.GetBytes(18));

    public string CaFile => Path.Combine(_dir.Path, "certs", "ca.crt");

    public string LogPath => _dir.Sub("mosquitto.log");

    public static async Task<DynsecMosquitto> StartAsync()
    {
        var broker = new DynsecMosquitto();
        await broker.PrepareAsync();
        await broker.RunAsync();
        return broker;
    }

    public async Task RestartAsync()
    {
        await StopAsync();
        await RunAsync();
    }

    private async Task PrepareAsync()
    {
        var shipped = Path.Combine(RepoPaths.Root, "broker-config", "mosquitto");
        await ExternalTool.RunCheckedAsync("bash", [Path.Combine(shipped, "make-certs.sh"), _dir.Sub("certs")]);
        await ExternalTool.RunCheckedAsync("mosquitto_ctrl", ["dynsec", "init", _dir.Sub("dynamic-security.json"), "admin", AdminPassword]);
        var conf = (await File.ReadAllTextAsync(Path.Combine(shipped, "mosquitto.conf")))
            .Replace("/etc/mosquitto/iot/", _dir.Path + "/", StringComparison.Ordinal)
            .Replace("/var/lib/mosquitto/", _dir.Path + "/", StringComparison.Ordinal)
            .Replace("listener 8883", $"listener {TlsPort} 127.0.0.1", StringComparison.Ordinal)
            .Replace("listener 1883 127.0.0.1", $"listener {Port} 127.0.0.1", StringComparison.Ordinal)
            .Replace("log_dest stderr", $"log_dest file {LogPath}", StringComparison.Ordinal);
        if (!conf.Contains(_dir.Path + "/dynamic-security.json", StringComparison.Ordinal))
        {
            throw new InvalidOperationException("broker-config/mosquitto/mosquitto.conf no longer names /var/lib/mosquitto/dynamic-security.json; update this rewrite");
        }
        await File.WriteAllTextAsync(_dir.Sub("mosquitto.conf"), conf);
        if (Environment.UserName == "root")
        {
            // Started as root, Mosquitto drops to the 'mosquitto' user, which must own (and be able to rewrite) its files.
            await ExternalTool.RunCheckedAsync("chown", ["-R", "mosquitto:mosquitto", _dir.Path]);
        }
    }

    private async Task RunAsync()
    {
        _process = await MosquittoProcess.StartAsync(_dir.Sub("mosquitto.conf"), LogPath, [Port, TlsPort]);
    }

    private async Task StopAsync()
    {
        await MosquittoProcess.KillAsync(_process);
        _process = null;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _dir.Dispose();
    }
}
