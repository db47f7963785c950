using System.Runtime.Versioning;
using System.Globalization;
using Iot.Cloud.Bridge.Ingest;
using Iot.TestSupport;
using Xunit.Abstractions;

namespace Iot.Edge.Deployment.Tests.Packages;

/// <summary>
/// The iot-agent .deb as an operator installs it: <c>dpkg -i</c> on this machine, the installed binary run as the
/// package's service user with the installed configuration (systemd is not PID 1 here, so the way the unit would:
/// same user, same environment), a chunk stored by a real bridge, then <c>dpkg --purge</c> leaving nothing behind.
/// </summary>
[SupportedOSPlatform("linux")]
public class AgentPackageTests(ITestOutputHelper output)
{
    private const string Device = "pkg-1";

    [Fact]
    public async Task The_agent_package_installs_uploads_as_its_own_user_and_purges_without_a_trace()
    {
        var deb = await DebianPackages.AgentDebAsync();
        await using var machine = await DebianPackages.LockMachineAsync();
        await DebianPackages.PurgeLeftoverAsync("iot-agent");
        var gpioBefore = await GroupExistsAsync("gpio");

        var install = await ExternalTool.RunAsync("dpkg", ["-i", deb], TimeSpan.FromMinutes(2));
        try
        {
            Assert.True(install.ExitCode == 0, install.StdOut + install.StdErr);
            await AssertInstalledAsync();
            await AssertUploadsAsItsUserAsync();
        }
        finally
        {
            var purge = await ExternalTool.RunAsync("dpkg", ["--purge", "iot-agent"], TimeSpan.FromMinutes(2));
            Assert.True(purge.ExitCode == 0, purge.StdOut + purge.StdErr);
        }

        foreach (var path in new[]
                 {
                     "/opt/iot-agent", "/lib/systemd/system/iot-agent.service", "/etc/iot-agent", "/var/lib/iot-agent", "/var/log/iot-agent",
                     "/etc/systemd/system/multi-user.target.wants/iot-agent.service", "/etc/systemd/system/iot-agent.service",
                 })
        {
            Assert.False(File.Exists(path) || Directory.Exists(path) || new FileInfo(path).LinkTarget is not null, $"{path} is still there after purge");
        }

        Assert.NotEqual(0, (await ExternalTool.RunAsync("getent", ["passwd", "iot-agent"])).ExitCode);
        Assert.NotEqual(0, (await ExternalTool.RunAsync("getent", ["group", "iot-agent"])).ExitCode);
        Assert.Equal(gpioBefore, await GroupExistsAsync("gpio"));
        var status = await ExternalTool.RunAsync("dpkg", ["-s", "iot-agent"]);
        Assert.NotEqual(0, status.ExitCode);
        Assert.Contains("not installed", status.StdErr, StringComparison.Ordinal);
    }

    private static async Task AssertInstalledAsync()
    {
        Assert.Equal("755 root root", await DebianPackages.StatAsync("/opt/iot-agent/iot-agent"));
        Assert.True(File.Exists("/opt/iot-agent/models/silero_vad_v5.onnx"), "the Silero model is not in the package");
        Assert.True(File.Exists("/opt/iot-agent/runtimes/linux-x64/libwhisper.so"), "the Whisper natives are not in the package");
        Assert.Empty(Directory.GetFiles("/opt/iot-agent", "*.dll"));
        Assert.False(Directory.Exists("/opt/iot-agent/runtimes/win-x64"), "other platforms' natives were packaged");
        Assert.False(File.Exists("/opt/iot-agent/iot-agent.dbg"), "the debug symbols were packaged");

        // Config readable by the agent's group only; spool private to the agent.
        Assert.Equal("750 root iot-agent", await DebianPackages.StatAsync("/etc/iot-agent"));
        Assert.Equal("640 root iot-agent", await DebianPackages.StatAsync("/etc/iot-agent/iot-agent.json"));
        Assert.Equal("700 iot-agent iot-agent", await DebianPackages.StatAsync("/var/lib/iot-agent/spool"));
        var conffiles = await ExternalTool.RunCheckedAsync("dpkg-query", ["-W", "-f=${Conffiles}", "iot-agent"]);
        Assert.Contains("/etc/iot-agent/iot-agent.json", conffiles.StdOut, StringComparison.Ordinal);

        var user = (await ExternalTool.RunCheckedAsync("getent", ["passwd", "iot-agent"])).StdOut.Trim().Split(':');
        Assert.True(int.Parse(user[2], CultureInfo.InvariantCulture) < 1000, $"iot-agent is not a system user: {string.Join(':', user)}");
        Assert.Equal("/var/lib/iot-agent", user[5]);
        Assert.Equal("/usr/sbin/nologin", user[6]);
        var groups = (await ExternalTool.RunCheckedAsync("id", ["-nG", "iot-agent"])).StdOut.Split(' ', StringSplitOptions.TrimEntries);
        Assert.Contains("audio", groups);
        Assert.Contains("gpio", groups);

        // The installed unit is valid now that its binary exists, and enabled (as a symlink, without a running systemd).
        var verify = await ExternalTool.RunAsync("systemd-analyze", ["verify", "/lib/systemd/system/iot-agent.service"]);
        Assert.True(verify.ExitCode == 0 && verify.StdErr.Trim().Length == 0, verify.StdOut + verify.StdErr);
        Assert.Equal("/lib/systemd/system/iot-agent.service", new FileInfo("/etc/systemd/system/multi-user.target.wants/iot-agent.service").LinkTarget);
    }

    /// <summary>
    /// The installed binary as the unit runs it: user iot-agent with its groups, a clean environment naming the installed
    /// config, the installed spool. Only what the shipped config cannot know comes from the command line (which the
    /// agent layers above the file): the test tenant, device and broker, and a WAV in place of a microphone.
    /// </summary>
    private async Task AssertUploadsAsItsUserAsync()
    {
        using var dir = new TempDirectory();
        var connectionString = await TestDatabase.CreateAsync("iot_pkg");
        var brokerPort = FreePort.Next();
        using var bridge = ChildProcess.Start(
            "iot-bridge.dll",
            [
                "--Bridge:InstanceId=bridge-pkg", "--Broker:Mode=Embedded", $"--Broker:Port={brokerPort}", "--Broker:ListenAddress=127.0.0.1",
                "--Broker:RequireAuthentication=false", $"--Database:ConnectionString={connectionString}", $"--Storage:Root={dir.Sub("store")}",
                "--Pipeline:Workers:Enabled=false", "--Metrics:Port=0", "--ProvisioningApi:Port=0", "--Serilog:MinimumLevel:Default=Warning",
                $"--Serilog:MinimumLevel:Override:{typeof(BridgeConnection).FullName}=Information", $"--Bridge:SeedDevices:0=acme/{Device}",
            ],
            dir.Sub("bridge.log"));
        await bridge.WaitForLineAsync(line => line.Contains("subscribed to", StringComparison.Ordinal), TimeSpan.FromSeconds(60), "the bridge to subscribe");

        // The spool's parent is the agent's home (0700 iot-agent): a root-owned, world-readable copy is readable there.
        const string wav = "/var/lib/iot-agent/test-speech.wav";
        File.Copy(await SpeechAudio.WavAsync(20), wav, overwrite: true);
        File.SetUnixFileMode(wav, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        using var agent = ChildProcess.StartExecutable(
            ExternalTool.Require("setpriv"),
            [
                "--reuid=iot-agent", "--regid=iot-agent", "--init-groups", "--",
                "/usr/bin/env", "-i", "PATH=/usr/sbin:/usr/bin:/sbin:/bin", "HOME=/var/lib/iot-agent", "IOT_AGENT_CONFIG=/etc/iot-agent/iot-agent.json",
                "/opt/iot-agent/iot-agent",
                "--Agent:TenantId=acme", $"--Agent:DeviceId={Device}", "--Agent:ChunkSeconds=2",
                "--Audio:Source=wav", $"--Audio:WavPath={wav}", "--Audio:Loop=true", "--Audio:RealTime=false", "--Recording:Trigger=Always",
                "--Mqtt:Host=127.0.0.1", $"--Mqtt:Port={brokerPort}", "--Mqtt:Tls:Enabled=false", "--Mqtt:Tls:CaFile=",
                $"--Health:Port={FreePort.Next()}", "--Vad:Engine=silero", "--Serilog:MinimumLevel:Default=Warning",
            ],
            dir.Sub("agent.log"));

        var chunks = new ChunkTable(connectionString);
        await Eventually.WaitAsync(
            async () => agent.HasExited || await chunks.CountAsync(Device) > 0,
            TimeSpan.FromSeconds(90),
            "a chunk from the installed agent in the bridge's chunks table",
            () => Task.FromResult($"agent:\n{agent.Tail(20)}\nbridge:\n{bridge.Tail(20)}"));
        Assert.False(agent.HasExited, $"the installed agent exited with {agent.ExitCode}:\n{agent.Tail(30)}");

        // It really is the service user, and what it wrote in the spool is its own.
        var uid = (await File.ReadAllLinesAsync($"/proc/{agent.Id}/status")).Single(l => l.StartsWith("Uid:", StringComparison.Ordinal));
        var agentUid = (await ExternalTool.RunCheckedAsync("id", ["-u", "iot-agent"])).StdOut.Trim();
        Assert.Equal(["Uid:", agentUid, agentUid, agentUid, agentUid], uid.Split((char[])['\t', ' '], StringSplitOptions.RemoveEmptyEntries));
        var owners = new List<string>();
        foreach (var entry in Directory.GetFileSystemEntries("/var/lib/iot-agent/spool"))
        {
            // An acknowledged chunk's file can be deleted between the listing and its stat; the outbox database stays.
            var stat = await ExternalTool.RunAsync("stat", ["-c", "%U", entry]);
            if (stat.ExitCode == 0)
            {
                owners.Add(stat.StdOut.Trim());
            }
        }

        Assert.NotEmpty(owners);
        Assert.All(owners, owner => Assert.Equal("iot-agent", owner));

        var stored = (await chunks.AllAsync()).First(c => c.DeviceId == Device);
        Assert.True(File.Exists(Path.Combine(dir.Sub("store"), stored.StoragePath!)), $"{stored.StoragePath} is not in the bridge's storage");
        Assert.Equal(0, await agent.TerminateAsync(TimeSpan.FromSeconds(30)));
        output.WriteLine($"installed agent uploaded {await chunks.CountAsync(Device)} chunk(s) as uid {agentUid}");
    }

    private static async Task<bool> GroupExistsAsync(string group) =>
        (await ExternalTool.RunAsync("getent", ["group", group])).ExitCode == 0;
}
