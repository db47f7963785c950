using Iot.TestSupport;

namespace Iot.Security.Tests.Infrastructure;

/// <summary>
/// The real agent (<c>dotnet iot-agent.dll</c>) with its loopback health server on a free port and visit-triggered
/// recording, so <c>POST /events</c> is live; no broker is running (the endpoint does not need one).
/// </summary>
public sealed class AgentEventsHost : IAsyncLifetime
{
    private readonly TempDirectory _dir = new("iot-sec-agent");
    private ChildProcess? _agent;

    public int Port { get; } = FreePort.Next();

    public string SpoolDirectory => _dir.Sub("spool");

    /// <summary>Where the agent keeps the desk integration's bearer token (documented in edge/README.md).</summary>
    public string TokenFile => Path.Combine(SpoolDirectory, "events.token");

    public string Tail => _agent?.Tail(40) ?? "";

    public async Task InitializeAsync()
    {
        var wav = await SpeechAudio.WavAsync(4, variant: 1);
        _agent = ChildProcess.Start(
            "iot-agent.dll",
            [
                "--Agent:TenantId=alpha-co", "--Agent:DeviceId=alpha-desk-1", $"--Agent:SpoolDirectory={SpoolDirectory}",
                $"--Audio:WavPath={wav}", "--Audio:Loop=true", "--Audio:RealTime=true", "--Recording:Trigger=Visits",
                $"--Mqtt:Port={FreePort.Next()}", $"--Health:Port={Port}",
            ],
            _dir.Sub("agent.log"));
        await _agent.WaitForLineAsync(l => l.Contains("Local health endpoint listening", StringComparison.Ordinal), TimeSpan.FromSeconds(90), "the agent's health endpoint");
    }

    public async Task DisposeAsync()
    {
        if (_agent is not null)
        {
            await _agent.TerminateAsync(TimeSpan.FromSeconds(20));
            _agent.Dispose();
        }

        _dir.Dispose();
    }
}
