using Iot.Integration.Tests.Infrastructure;
using Iot.TestSupport;
using Xunit.Abstractions;

namespace Iot.Integration.Tests.Security;

/// <summary>Devices outside the store LAN talk MQTT over TLS, to the embedded broker or to Mosquitto, with the operator's CA.</summary>
[Collection(SystemCollection.Name)]
public class TlsUplinkTests(PostgresServer postgres, ITestOutputHelper output)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Agents_upload_over_tls_to_the_embedded_broker_when_they_trust_its_ca()
    {
        using var dir = new TempDirectory();
        var pki = await MakeCertificatesAsync(dir.Sub("pki"));
        var db = await postgres.CreateDatabaseAsync();
        var tlsPort = FreePort.Next();
        await using var bridge = await BridgeNode.StartAsync(new BridgeSettings(db, dir.Sub("store"), FreePort.Next(), External: false)
        {
            SeedDevices = Fleet.SeedDevices(2),
            Extra = new Dictionary<string, string?>
            {
                ["Broker:Tls:Port"] = tlsPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["Broker:Tls:CertificateFile"] = Path.Combine(pki, "server.crt"),
                ["Broker:Tls:KeyFile"] = Path.Combine(pki, "server.key"),
                ["Broker:Tls:ListenAddress"] = "127.0.0.1",
            },
        });

        await AssertFleetUploadsOverTlsAsync(dir, db, bridge.StorageRoot, tlsPort, pki, bridge);
    }

    [Fact]
    public async Task Agents_upload_over_tls_to_mosquitto_while_the_bridge_uses_its_loopback_listener()
    {
        using var dir = new TempDirectory();
        var pki = await MakeCertificatesAsync(dir.Sub("pki"));
        var db = await postgres.CreateDatabaseAsync();
        if (Environment.UserName == "root")
        {
            await ExternalTool.RunCheckedAsync("chown", ["-R", "mosquitto:mosquitto", pki]);
        }

        var tls = new TlsListener(FreePort.Next(), Path.Combine(pki, "server.crt"), Path.Combine(pki, "server.key"));
        await using var mosquitto = await MosquittoBroker.StartAsync(tls);
        await using var bridge = await BridgeNode.StartAsync(new BridgeSettings(db, dir.Sub("store"), mosquitto.Port, External: true) { SeedDevices = Fleet.SeedDevices(2) });

        await AssertFleetUploadsOverTlsAsync(dir, db, bridge.StorageRoot, tls.Port, pki, bridge);
    }

    [Fact]
    public async Task An_agent_that_does_not_trust_the_broker_certificate_never_connects_and_keeps_its_chunks()
    {
        using var dir = new TempDirectory();
        var pki = await MakeCertificatesAsync(dir.Sub("pki"));
        var otherPki = await MakeCertificatesAsync(dir.Sub("other-pki"));
        var db = await postgres.CreateDatabaseAsync();
        var tlsPort = FreePort.Next();
        await using var bridge = await BridgeNode.StartAsync(new BridgeSettings(db, dir.Sub("store"), FreePort.Next(), External: false)
        {
            SeedDevices = Fleet.SeedDevices(1),
            Extra = new Dictionary<string, string?>
            {
                ["Broker:Tls:Port"] = tlsPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["Broker:Tls:CertificateFile"] = Path.Combine(pki, "server.crt"),
                ["Broker:Tls:KeyFile"] = Path.Combine(pki, "server.key"),
            },
        });

        await using var fleet = await Fleet.StartAsync(dir, devices: 1, secondsEach: 5, tlsPort, s => s with { Extra = TlsSettings(otherPki) });
        await fleet.RecordingFinishedAsync();
        await Task.Delay(TimeSpan.FromSeconds(3));

        var agent = fleet.Agents[0];
        Assert.False(agent.Uplink.IsConnected);
        Assert.Equal(0, agent.Uplink.Connects);
        Assert.Equal(0, await new ChunkTable(db).CountAsync());
        Assert.Equal(agent.Recorder.ChunksSealed, agent.Outbox.GetStats().Pending);
        output.WriteLine($"untrusted CA: {agent.Recorder.ChunksSealed} chunks kept in the outbox, 0 connects");
    }

    /// <summary>
    /// Probe: a broker list is a way to point a device somewhere else. Mqtt:Hosts = [nothing listening, an impostor with
    /// a certificate from another CA, the real broker]: the pinned CA applies to every entry, so the agent passes over
    /// the impostor without publishing a byte there and uploads everything to the real broker.
    /// </summary>
    [Fact]
    public async Task A_broker_list_with_an_impostor_entry_sends_it_nothing_and_uploads_to_the_trusted_broker()
    {
        using var dir = new TempDirectory();
        var pki = await MakeCertificatesAsync(dir.Sub("pki"));
        var otherPki = await MakeCertificatesAsync(dir.Sub("other-pki"));
        var db = await postgres.CreateDatabaseAsync();
        if (Environment.UserName == "root")
        {
            await ExternalTool.RunCheckedAsync("chown", ["-R", "mosquitto:mosquitto", otherPki]);
        }

        await using var impostor = await MosquittoBroker.StartAsync(new TlsListener(FreePort.Next(), Path.Combine(otherPki, "server.crt"), Path.Combine(otherPki, "server.key")));
        await using var eavesdropper = await ProbeClient.ConnectAsync(impostor.Port);
        var heard = await eavesdropper.SubscribeEverythingAsync();
        var tlsPort = FreePort.Next();
        await using var bridge = await BridgeNode.StartAsync(new BridgeSettings(db, dir.Sub("store"), FreePort.Next(), External: false)
        {
            SeedDevices = Fleet.SeedDevices(1),
            Extra = new Dictionary<string, string?>
            {
                ["Broker:Tls:Port"] = tlsPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["Broker:Tls:CertificateFile"] = Path.Combine(pki, "server.crt"),
                ["Broker:Tls:KeyFile"] = Path.Combine(pki, "server.key"),
                ["Broker:Tls:ListenAddress"] = "127.0.0.1",
            },
        });
        var hosts = new Dictionary<string, string?>(TlsSettings(pki))
        {
            ["Mqtt:Hosts:0"] = $"127.0.0.1:{FreePort.Next()}",
            ["Mqtt:Hosts:1"] = $"127.0.0.1:{impostor.Tls!.Port}",
            ["Mqtt:Hosts:2"] = $"127.0.0.1:{tlsPort}",
        };
        var table = new ChunkTable(db);

        await using var fleet = await Fleet.StartAsync(dir, devices: 1, secondsEach: 5, tlsPort, s => s with { Extra = hosts });
        await fleet.RecordingFinishedAsync();
        await Eventually.WaitAsync(
            async () => fleet.OutboxesEmpty() && await table.CountAsync() == 5,
            Bound, "5 chunks stored through the third entry", async () => fleet.Describe() + $"; rows {await table.CountAsync()}");

        var summary = await StoreAssertions.EveryChunkStoredExactlyOnceAsync(table, bridge.StorageRoot, fleet.RecordedPerDevice());
        Assert.Equal($"127.0.0.1:{tlsPort}", fleet.Agents[0].Uplink.Broker);
        Assert.Empty(heard);
        output.WriteLine($"impostor in the list: {summary}; messages seen on the impostor: {heard.Count}");
    }

    private async Task AssertFleetUploadsOverTlsAsync(TempDirectory dir, string db, string storageRoot, int tlsPort, string pki, BridgeNode bridge)
    {
        var table = new ChunkTable(db);
        await using var fleet = await Fleet.StartAsync(dir, devices: 2, secondsEach: 10, tlsPort, s => s with { Extra = TlsSettings(pki) });
        await fleet.RecordingFinishedAsync();
        await Eventually.WaitAsync(
            async () => fleet.OutboxesEmpty() && await table.CountAsync() == 20,
            Bound, "20 chunks stored over TLS", async () => fleet.Describe() + $"; rows {await table.CountAsync()}");

        var summary = await StoreAssertions.EveryChunkStoredExactlyOnceAsync(table, storageRoot, fleet.RecordedPerDevice());
        Assert.Equal(20, bridge.Metrics.Stored);

        // What telemetry reports as "tls" for the fleet screen.
        Assert.All(fleet.Agents, a => Assert.True(a.Uplink.Tls));
        output.WriteLine("over TLS: " + summary);
    }

    private static Dictionary<string, string?> TlsSettings(string pki) => new()
    {
        ["Mqtt:Tls:Enabled"] = "true",
        ["Mqtt:Tls:CaFile"] = Path.Combine(pki, "ca.crt"),
    };

    private static async Task<string> MakeCertificatesAsync(string outputDirectory)
    {
        await ExternalTool.RunCheckedAsync("bash", [Path.Combine(RepoPaths.Root, "broker-config", "mosquitto", "make-certs.sh"), outputDirectory]);
        return outputDirectory;
    }
}
