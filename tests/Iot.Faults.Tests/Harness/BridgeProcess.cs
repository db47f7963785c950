using System.Globalization;
using Iot.Cloud.Bridge.Ingest;
using Iot.TestSupport;

namespace Iot.Faults.Tests.Harness;

/// <summary>
/// The real bridge executable (<c>dotnet iot-bridge.dll</c>) as a child process, with its embedded broker or
/// connected to an external one. Start returns once it has subscribed to the chunk topics, i.e. can ingest.
/// </summary>
public sealed class BridgeProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private ChildProcess? _child;

    private BridgeProcess(BridgeSettings settings) => Settings = settings;

    public BridgeSettings Settings { get; private set; }

    public string StorageRoot => Settings.StorageRoot;

    public bool IsRunning => _child is { HasExited: false };

    public int? ProcessId => _child?.Id;

    public static async Task<BridgeProcess> StartAsync(BridgeSettings settings)
    {
        var bridge = new BridgeProcess(settings);
        await bridge.LaunchAsync();
        return bridge;
    }

    /// <summary>Starts again on the same database and storage, optionally with changed settings; the previous run must be over.</summary>
    public async Task RestartAsync(Func<BridgeSettings, BridgeSettings>? change = null)
    {
        if (IsRunning)
        {
            throw new InvalidOperationException($"bridge is still running (pid {_child!.Id})");
        }

        _child?.Dispose();
        if (change is not null)
        {
            Settings = change(Settings);
        }

        await LaunchAsync();
    }

    public Task KillAsync() => _child?.KillAsync() ?? Task.CompletedTask;

    public Task<int> TerminateAsync() => _child?.TerminateAsync(TimeSpan.FromSeconds(30)) ?? Task.FromResult(0);

    /// <summary>SIGSTOP: the bridge freezes mid-whatever (file write, commit, acks); <see cref="ResumeAsync"/> or kill it.</summary>
    public Task PauseAsync() => _child?.SignalAsync("-STOP") ?? Task.CompletedTask;

    public Task ResumeAsync() => _child?.SignalAsync("-CONT") ?? Task.CompletedTask;

    public string Tail(int lines = 20) => _child?.Tail(lines) ?? "";

    public async ValueTask DisposeAsync()
    {
        if (_child is not null)
        {
            await _child.KillAsync();
            _child.Dispose();
        }
    }

    private async Task LaunchAsync()
    {
        var s = Settings;
        var args = new Dictionary<string, string>
        {
            ["Bridge:InstanceId"] = s.InstanceId,
            ["Broker:Mode"] = s.External ? "External" : "Embedded",
            ["Broker:Host"] = "127.0.0.1",
            ["Broker:Port"] = s.BrokerPort.ToString(CultureInfo.InvariantCulture),
            ["Broker:ListenAddress"] = "127.0.0.1",
            ["Broker:RequireAuthentication"] = "false",
            ["Database:ConnectionString"] = s.ConnectionString,
            ["Storage:Root"] = s.StorageRoot,
            // Dialogue building and transcription are not under test here and would only compete for the 2 cores.
            ["Pipeline:Workers:Enabled"] = "false",
            ["Serilog:MinimumLevel:Default"] = "Warning",
            ["Metrics:Port"] = "0",
            // Likewise the provisioning API: on its default port a second bridge logs an error (tests assert none).
            ["ProvisioningApi:Port"] = "0",
            // The one information line the harness waits for: connected and subscribed, ready to ingest.
            [$"Serilog:MinimumLevel:Override:{typeof(BridgeConnection).FullName}"] = "Information",
        };
        for (var i = 0; i < s.SeedDevices.Count; i++)
        {
            args[$"Bridge:SeedDevices:{i}"] = s.SeedDevices[i];
        }

        foreach (var (key, value) in s.Extra)
        {
            args[key] = value;
        }

        _child = ChildProcess.Start("iot-bridge.dll", args.Select(a => $"--{a.Key}={a.Value}"), s.LogPath);
        await _child.WaitForLineAsync(line => line.Contains("subscribed to", StringComparison.Ordinal), StartTimeout, "the bridge to subscribe");
    }
}
