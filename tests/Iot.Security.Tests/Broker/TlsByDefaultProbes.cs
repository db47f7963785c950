using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Iot.Security.Tests.Infrastructure;
using Iot.TestSupport;
using Xunit.Abstractions;
using static Iot.Security.Tests.Infrastructure.ProvisioningCloud;

namespace Iot.Security.Tests.Broker;

/// <summary>
/// Issue 15: "MQTT is plaintext by default on 0.0.0.0:1883 with secrets crossing it." A bridge reachable from the
/// network with no certificate configured now makes its own CA and speaks MQTT there only over TLS; plain MQTT stays on
/// loopback for the bridge's own sessions.
/// </summary>
public sealed class TlsByDefaultProbes(ITestOutputHelper output)
{
    [Fact]
    public async Task A_bridge_on_a_network_address_without_a_configured_certificate_speaks_mqtt_there_only_over_tls()
    {
        using var run = new ProvisioningProbeRun(output);
        using var pki = new TempDirectory("iot-sec-tls");
        var ip = TlsProbeKit.NetworkAddress();
        var host = ip.ToString();
        var tlsPort = FreePort.Next();
        await using var cloud = await StartAsync(extra: NetworkBroker(ip, tlsPort, pki.Path));
        var ca = TlsProbeKit.LoadCa(Path.Combine(pki.Path, "ca.crt"));
        var (foreignCa, foreignServer) = TlsProbeKit.ForeignPki(ip);
        foreignServer.Dispose();

        var plain = await TlsProbeKit.TryConnectAsync(host, cloud.Port, null, "svc.ops", OpsSecret);
        run.Record($"plain MQTT CONNECT with valid svc.ops credentials to {host}:{cloud.Port}", !plain.Connected, plain.Outcome);
        var plainOnTls = await TlsProbeKit.TryConnectAsync(host, tlsPort, null, "svc.ops", OpsSecret);
        run.Record($"plain MQTT CONNECT to the TLS listener {host}:{tlsPort}", !plainOnTls.Connected, plainOnTls.Outcome);
        var foreign = await TlsProbeKit.TryConnectAsync(host, tlsPort, [foreignCa], "svc.ops", OpsSecret);
        run.Record("TLS client pinned to another CA accepts the broker's certificate", !foreign.Connected, foreign.Outcome);
        var osStore = await TlsProbeKit.TryConnectAsync(host, tlsPort, [], "svc.ops", OpsSecret);
        run.Record("TLS client trusting the OS store accepts the bridge's private certificate", !osStore.Connected, osStore.Outcome);

        // What devices and the bridge itself use still works: TLS pinned to the generated CA, by IP address; plain loopback.
        var pinned = await TlsProbeKit.TryConnectAsync(host, tlsPort, ca, "svc.ops", OpsSecret);
        Assert.True(pinned.Connected, pinned.Outcome);
        var loopback = await TlsProbeKit.TryConnectAsync("127.0.0.1", cloud.Port, null, "svc.ops", OpsSecret);
        Assert.True(loopback.Connected, loopback.Outcome);
        foreignCa.Dispose();
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // file modes are part of the check
    public async Task A_restarted_bridge_serves_the_same_ca_so_pinned_devices_still_connect()
    {
        using var pki = new TempDirectory("iot-sec-tls-restart");
        var ip = TlsProbeKit.NetworkAddress();
        string first;
        await using (var cloud = await StartAsync(extra: NetworkBroker(ip, FreePort.Next(), pki.Path)))
        {
            first = Fingerprint(Path.Combine(pki.Path, "ca.crt"));
        }

        var tlsPort = FreePort.Next();
        await using var again = await StartAsync(extra: NetworkBroker(ip, tlsPort, pki.Path));

        Assert.Equal(first, Fingerprint(Path.Combine(pki.Path, "ca.crt")));
        var pinned = await TlsProbeKit.TryConnectAsync(ip.ToString(), tlsPort, TlsProbeKit.LoadCa(Path.Combine(pki.Path, "ca.crt")), "svc.ops", OpsSecret);
        Assert.True(pinned.Connected, pinned.Outcome);
        foreach (var file in Directory.GetFiles(pki.Path, "*.*"))
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        }

        output.WriteLine($"CA {first} kept across a restart; TLS on {ip}:{tlsPort}");
    }

    /// <summary>The bridge as shipped, on this machine's network address: no certificate configured.</summary>
    internal static Dictionary<string, string?> NetworkBroker(IPAddress ip, int tlsPort, string pkiDirectory) => new()
    {
        ["Broker:ListenAddress"] = ip.ToString(),
        ["Broker:Tls:Port"] = tlsPort.ToString(CultureInfo.InvariantCulture),
        ["Broker:Tls:Directory"] = pkiDirectory,
    };

    private static string Fingerprint(string path)
    {
        using var certificate = X509Certificate2.CreateFromPem(File.ReadAllText(path));
        return certificate.GetCertHashString(HashAlgorithmName.SHA256);
    }
}
