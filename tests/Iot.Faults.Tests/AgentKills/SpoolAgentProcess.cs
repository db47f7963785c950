using Iot.TestSupport;

namespace Iot.Faults.Tests.AgentKills;

/// <summary>The real agent executable as a child process, as systemd would run it; its output goes next to the spool.</summary>
internal sealed class SpoolAgentProcess : IDisposable
{
    private readonly ChildProcess _child;

    private SpoolAgentProcess(ChildProcess child) => _child = child;

    /// <summary>The agent's last lines of output, for failure messages.</summary>
    public string Tail => _child.Tail(40);

    public static SpoolAgentProcess Start(string spool, string wav, int chunkSeconds) =>
        new(ChildProcess.Start(
            "iot-agent.dll",
            [
                "--Agent:TenantId=acme", "--Agent:DeviceId=pos-1", $"--Agent:SpoolDirectory={spool}", $"--Agent:ChunkSeconds={chunkSeconds}",
                $"--Audio:WavPath={wav}", "--Audio:Loop=true", "--Audio:RealTime=true", "--Recording:Trigger=Always",
                $"--Mqtt:Port={FreePort.Next()}", "--Serilog:MinimumLevel:Default=Warning",
            ],
            Path.TrimEndingDirectorySeparator(spool) + ".agent.log"));

    public Task<int> TerminateAsync() => _child.TerminateAsync(TimeSpan.FromSeconds(20));

    public Task KillAsync() => _child.KillAsync();

    public void Dispose() => _child.Dispose();
}
