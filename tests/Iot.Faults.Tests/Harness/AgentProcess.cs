using System.Globalization;
using Iot.Edge.Agent.Outbox;
using Iot.TestSupport;

namespace Iot.Faults.Tests.Harness;

/// <summary>
/// The real agent executable (<c>dotnet iot-agent.dll</c>) as a child process: real WAV source paced in real time,
/// real Opus, real LiteDB outbox, real MQTT. Can be killed (SIGKILL), stopped (SIGTERM) and started again on the
/// same spool, as a device would be by power cuts and reboots.
/// </summary>
public sealed class AgentProcess : IAsyncDisposable
{
    private ChildProcess? _child;

    private AgentProcess(AgentSettings settings) => Settings = settings;

    public AgentSettings Settings { get; private set; }

    /// <summary>The loopback port of this run's <c>/health</c> endpoint.</summary>
    public int HealthPort { get; private set; }

    public string LogPath => Path.Combine(Path.GetDirectoryName(Settings.SpoolDirectory.TrimEnd('/'))!, $"agent-{Settings.DeviceId}.log");

    public bool IsRunning => _child is { HasExited: false };

    public int? ProcessId => _child?.Id;

    /// <summary>Exit code of the last run, null while it runs or before the first.</summary>
    public int? ExitCode => _child?.ExitCode;

    public static AgentProcess Start(AgentSettings settings)
    {
        var agent = new AgentProcess(settings);
        agent.Launch();
        return agent;
    }

    /// <summary>Starts again on the same spool, optionally with changed settings; the previous run must be over.</summary>
    public void Restart(Func<AgentSettings, AgentSettings>? change = null)
    {
        if (IsRunning)
        {
            throw new InvalidOperationException($"agent {Settings.DeviceId} is still running (pid {_child!.Id})");
        }

        _child?.Dispose();
        if (change is not null)
        {
            Settings = change(Settings);
        }

        Launch();
    }

    public Task KillAsync() => _child?.KillAsync() ?? Task.CompletedTask;

    /// <summary>How long the slowest SIGTERM of this agent took to end the process.</summary>
    public TimeSpan SlowestStop { get; private set; }

    /// <summary>
    /// SIGTERM: the agent seals the chunk in progress and exits; returns its exit code (0 expected). Allows a little
    /// more than the host's 30 s shutdown timeout, so a slow stop shows up in <see cref="SlowestStop"/>, not as a hang.
    /// </summary>
    public async Task<int> TerminateAsync()
    {
        if (_child is null)
        {
            return 0;
        }

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var exit = await _child.TerminateAsync(TimeSpan.FromSeconds(45));
        SlowestStop = clock.Elapsed > SlowestStop ? clock.Elapsed : SlowestStop;
        return exit;
    }

    /// <summary>
    /// Waits until this run serves <c>/health</c> (its host is up, so SIGTERM is handled) and, when it records,
    /// reports recording. Files alone would not do: a killed run's leftovers are still in the spool.
    /// </summary>
    public Task WaitReadyAsync(TimeSpan? timeout = null) =>
        Eventually.WaitAsync(
            async () =>
            {
                if (!IsRunning)
                {
                    throw new InvalidOperationException($"agent {Settings.DeviceId} exited with {_child?.ExitCode}:\n{Tail()}");
                }

                return await HealthAsync() is { } h && (h.Recording || !Settings.Record);
            },
            timeout ?? TimeSpan.FromSeconds(30),
            $"agent {Settings.DeviceId} ready",
            () => Task.FromResult(Tail()));

    public Task<AgentHealth?> HealthAsync(CancellationToken cancellationToken = default) => AgentHealth.TryReadAsync(HealthPort, cancellationToken);

    /// <summary>Reads the spool; only valid while the agent is stopped (it runs the same recovery the next start would).</summary>
    public OutboxReading ReadOutbox()
    {
        if (IsRunning)
        {
            throw new InvalidOperationException($"agent {Settings.DeviceId} must be stopped before its outbox is read");
        }

        return OutboxReading.Read(Settings.SpoolDirectory);
    }

    public string Tail(int lines = 20) => _child?.Tail(lines) ?? "";

    public async ValueTask DisposeAsync()
    {
        if (_child is not null)
        {
            await _child.KillAsync();
            _child.Dispose();
        }
    }

    private void Launch()
    {
        HealthPort = FreePort.Next();
        var s = Settings;
        var args = new Dictionary<string, string>
        {
            ["Agent:TenantId"] = s.TenantId,
            ["Agent:DeviceId"] = s.DeviceId,
            ["Agent:SpoolDirectory"] = s.SpoolDirectory,
            ["Agent:ChunkSeconds"] = s.ChunkSeconds.ToString(CultureInfo.InvariantCulture),
            ["Audio:Source"] = "wav",
            ["Audio:WavPath"] = s.WavPath,
            ["Audio:Loop"] = "true",
            ["Audio:RealTime"] = "true",
            ["Recording:Trigger"] = "Always",
            ["Recording:Upload"] = "Continuous",
            ["Recording:BranchEnabled"] = s.Record ? "true" : "false",
            ["Mqtt:Host"] = s.BrokerHost,
            ["Mqtt:Port"] = s.BrokerPort.ToString(CultureInfo.InvariantCulture),
            ["Mqtt:AckTimeoutSeconds"] = s.AckTimeoutSeconds.ToString(CultureInfo.InvariantCulture),
            ["Mqtt:ReconnectMinMilliseconds"] = "100",
            ["Mqtt:ReconnectMaxMilliseconds"] = "1000",
            ["Health:Port"] = HealthPort.ToString(CultureInfo.InvariantCulture),
            ["Serilog:MinimumLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in s.Extra)
        {
            args[key] = value;
        }

        var arguments = args.Select(a => $"--{a.Key}={a.Value}");
        _child = s.Executable is { } native
            ? ChildProcess.StartExecutable(native, arguments, LogPath)
            : ChildProcess.Start("iot-agent.dll", arguments, LogPath);
    }
}
