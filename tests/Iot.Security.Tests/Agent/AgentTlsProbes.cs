using System.Net;
using System.Text;
using Iot.Provisioning.Admin;
using Iot.Security.Tests.Broker;
using Iot.Security.Tests.Infrastructure;
using Iot.TestSupport;
using Xunit.Abstractions;
using static Iot.Security.Tests.Infrastructure.ProvisioningCloud;

namespace Iot.Security.Tests.Agent;

/// <summary>
/// Issue 15 item 5 on the device side, with the real agent process: the claim bundle carries the broker's CA and the agent
/// trusts nothing else there; plain MQTT off this machine needs <c>Mqtt:AllowPlaintext</c> or the agent does not start.
/// </summary>
public sealed class AgentTlsProbes(ITestOutputHelper output)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task An_agent_told_to_speak_plain_mqtt_to_a_network_broker_refuses_to_start_and_names_the_key()
    {
        using var run = new ProvisioningProbeRun(output);
        using var dir = new TempDirectory("iot-sec-agent-plain");
        var ip = TlsProbeKit.NetworkAddress().ToString();
        var port = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture);

        var configured = await StartAgentAsync(dir, "configured", ["--Agent:TenantId=acme", "--Agent:DeviceId=plain-1", $"--Mqtt:Host={ip}", $"--Mqtt:Port={port}"]);
        var (code, tail) = await ExitOfAsync(configured);
        run.Record($"agent starts with plain MQTT to {ip}:{port}", code == 2 && tail.Contains("Mqtt:AllowPlaintext", StringComparison.Ordinal), $"exit {code}: {Last(tail)}");

        var claim = dir.Sub("claim.json");
        ClaimBundle.Write(claim, new ClaimToken("c-plain", "claim.c-plain", "claim-secret-not-for-the-wire", Victim, null, null, null), $"{ip}:{port}", caPem: null);
        var bundled = await StartAgentAsync(dir, "bundled", [$"--Provisioning:ClaimPath={claim}", "--Provisioning:Serial=sn-plain-2"]);
        (code, tail) = await ExitOfAsync(bundled);
        run.Record($"agent starts with a claim bundle without CA for {ip}:{port}", code == 2 && tail.Contains("Provisioning:ClaimPath", StringComparison.Ordinal) && tail.Contains("Mqtt:AllowPlaintext", StringComparison.Ordinal), $"exit {code}: {Last(tail)}");

        // Saying it explicitly is the way out, and the only one.
        using var allowed = await StartAgentAsync(dir, "allowed", ["--Agent:TenantId=acme", "--Agent:DeviceId=plain-3", $"--Mqtt:Host={ip}", $"--Mqtt:Port={port}", "--Mqtt:AllowPlaintext=true"]);
        await allowed.WaitForLineAsync(l => l.Contains("Local health endpoint listening", StringComparison.Ordinal), Bound, "the agent running with Mqtt:AllowPlaintext=true");
        Assert.Equal(0, await allowed.TerminateAsync(TimeSpan.FromSeconds(20)));
    }

    [Fact]
    public async Task An_agent_pinned_by_its_claim_bundle_gives_a_man_in_the_middle_nothing_then_provisions_and_uploads_over_tls()
    {
        using var run = new ProvisioningProbeRun(output);
        using var dir = new TempDirectory("iot-sec-agent-tls");
        var ip = TlsProbeKit.NetworkAddress();
        var tlsPort = FreePort.Next();
        await using var cloud = await StartAsync(extra: TlsByDefaultProbes.NetworkBroker(ip, tlsPort, dir.Sub("bridge-tls")));
        await cloud.PreregisterAsync(Victim, "sn-tls-9", "tls-9");
        var claimToken = await cloud.ClaimAsync(Victim);
        var ca = ClaimBundle.ReadCa(Path.Combine(dir.Sub("bridge-tls"), "ca.crt"));
        var (foreignCa, foreignServer) = TlsProbeKit.ForeignPki(ip);
        foreignCa.Dispose();
        await using var impostor = new ImpostorTlsListener(ip, foreignServer);
        var claim = dir.Sub("claim.json");
        ClaimBundle.Write(claim, claimToken, $"{ip}:{impostor.Port}", ca);

        using var agent = await StartAgentAsync(dir, "device", [
            $"--Provisioning:ClaimPath={claim}", "--Provisioning:Serial=sn-tls-9", "--Provisioning:ResponseTimeoutSeconds=5", "--Provisioning:RetrySeconds=0.5",
            "--Agent:ChunkSeconds=2", "--Recording:Trigger=Always", "--Mqtt:ReconnectMinMilliseconds=200", "--Mqtt:ReconnectMaxMilliseconds=1000",
        ]);
        await Eventually.WaitAsync(() => Task.FromResult(impostor.Attempts >= 3), Bound, "three claim attempts at the impostor", () => Task.FromResult(agent.Tail(10)));
        var leaked = impostor.Received;
        run.Record(
            $"man in the middle at {ip}:{impostor.Port} with another CA's certificate for that address reads the claim session",
            leaked.Length == 0 && !Encoding.Latin1.GetString(impostor.Raw).Contains(claimToken.Secret, StringComparison.Ordinal),
            $"{impostor.Attempts} connections, {leaked.Length} bytes after a TLS handshake, secret in clear on the wire: {Encoding.Latin1.GetString(impostor.Raw).Contains(claimToken.Secret, StringComparison.Ordinal)}");

        // The genuine broker under the same bundle's CA: provisioning, then the device's own session and its chunks, over TLS.
        ClaimBundle.Write(claim, claimToken, $"{ip}:{tlsPort}", ca);
        await agent.WaitForLineAsync(l => l.Contains("Connected as", StringComparison.Ordinal), Bound, "the device session over TLS");
        await Eventually.WaitAsync(
            async () => await cloud.ScalarAsync<long>("SELECT count(*) FROM chunks WHERE device_id = 'tls-9'") >= 2,
            Bound, "chunks stored over TLS", () => Task.FromResult(agent.Tail(10)));
        var credentials = await File.ReadAllTextAsync(Path.Combine(dir.Sub("device"), "credentials.json"));
        Assert.Contains("BEGIN CERTIFICATE", credentials, StringComparison.Ordinal);
        Assert.Equal(0, await agent.TerminateAsync(TimeSpan.FromSeconds(30)));
        output.WriteLine($"impostor: {impostor.Attempts} attempts, 0 bytes; genuine broker {ip}:{tlsPort}: provisioned and uploading");
    }

    private static async Task<ChildProcess> StartAgentAsync(TempDirectory dir, string name, string[] extra)
    {
        var wav = await SpeechAudio.WavAsync(4, variant: 2);
        var spool = Path.Combine(dir.Sub(name), "spool");
        Directory.CreateDirectory(spool);
        return ChildProcess.Start(
            "iot-agent.dll",
            [
                $"--Agent:SpoolDirectory={spool}", $"--Audio:WavPath={wav}", "--Audio:Loop=true", "--Audio:RealTime=true",
                $"--Health:Port={FreePort.Next()}", $"--Provisioning:CredentialsPath={Path.Combine(dir.Sub(name), "credentials.json")}", .. extra,
            ],
            dir.Sub(name + ".log"));
    }

    private static async Task<(int? Code, string Tail)> ExitOfAsync(ChildProcess agent)
    {
        using (agent)
        {
            await Eventually.WaitAsync(() => Task.FromResult(agent.HasExited), Bound, "the agent to stop at start-up", () => Task.FromResult(agent.Tail(10)));
            await Task.Delay(200); // the last stderr lines arrive after the exit
            return (agent.ExitCode, agent.Tail(20));
        }
    }

    private static string Last(string tail) => tail.Length > 400 ? tail[^400..] : tail;
}
