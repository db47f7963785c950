using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Iot.Cloud.Bridge.Broker.Dynsec;
using Iot.Edge.Agent.Provisioning;
using Iot.Integration.Tests.Infrastructure;
using Iot.Provisioning.Admin;
using Iot.Provisioning.Storage;
using Iot.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using MQTTnet;
using Xunit.Abstractions;

namespace Iot.Integration.Tests.Provisioning;

/// <summary>
/// The production path on Mosquitto: the shipped mosquitto.conf (TLS listener, dynamic security), the bridge keeping
/// dynsec in step with PostgreSQL, and a factory-fresh real agent that only has a claim file and the operator's CA.
/// </summary>
[Collection(SystemCollection.Name)]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public class ProvisioningOverMosquittoTests(PostgresServer postgres, ITestOutputHelper output)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task A_preregistered_device_provisions_over_tls_through_mosquitto_uploads_under_its_own_identity_and_is_cut_off_on_revocation()
    {
        using var dir = new TempDirectory();
        await using var mosquitto = await DynsecMosquitto.StartAsync();
        var db = await postgres.CreateDatabaseAsync();
        var bridgeSecret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(24));
        await using var bridge = await BridgeNode.StartAsync(new BridgeSettings(db, dir.Sub("store"), mosquitto.Port, External: true)
        {
            Extra = new Dictionary<string, string?>
            {
                ["Broker:Username"] = "svc.bridge",
                ["Broker:Password"] = bridgeSecret,
                ["Broker:ServiceAccounts:bridge"] = bridgeSecret,
                ["Broker:Dynsec:Enabled"] = "true",
                ["Broker:Dynsec:AdminPassword"] = mosquitto.AdminPassword,
                ["Broker:Dynsec:SecretKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
                ["Provisioning:Password"] = BridgeSettings.ProvisioningSecret,
                ["Provisioning:PendingRetrySeconds"] = "1",
            },
        });
        var admin = bridge.Services.GetRequiredService<ProvisioningAdmin>();
        await admin.EnsureTenantAsync("acme", ReprovisionPolicy.AutoKnownHardware, CancellationToken.None);
        await admin.EnsureBranchAsync("acme", "north", "North store", CancellationToken.None);
        var import = await admin.PreregisterAsync(new StringReader("sn-mq-1,acme,north,pos-21,"), CancellationToken.None);
        Assert.True(import.Succeeded, string.Join("; ", import.Errors));
        var claim = await admin.CreateClaimAsync("acme", "north", maxUses: null, expiresAt: null, CancellationToken.None);
        // The claim's role lists the topics of preregistered serials (Mosquitto 2.0 dynsec has no %c patterns): push it now.
        await bridge.Services.GetRequiredService<DynsecReconciler>().ReconcileAsync(CancellationToken.None);

        var claimPath = Path.Combine(dir.Path, "claim.json");
        await File.WriteAllTextAsync(claimPath, JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["claimId"] = claim.ClaimId,
            ["secret"] = claim.Secret,
            ["broker"] = $"127.0.0.1:{mosquitto.TlsPort.ToString(CultureInfo.InvariantCulture)}",
        }));
        File.SetUnixFileMode(claimPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var credentialsPath = Path.Combine(dir.Path, "credentials.json");
        await using var agent = await AgentNode.StartAsync(new AgentSettings(null, null, dir.Sub("spool"), await SpeechAudio.WavAsync(30), mosquitto.TlsPort)
        {
            RealTime = true,
            Extra = new Dictionary<string, string?>
            {
                ["Mqtt:Tls:Enabled"] = "true",
                ["Mqtt:Tls:CaFile"] = mosquitto.CaFile,
                ["Provisioning:ClaimPath"] = claimPath,
                ["Provisioning:CredentialsPath"] = credentialsPath,
                ["Provisioning:Serial"] = "sn-mq-1",
                ["Provisioning:ResponseTimeoutSeconds"] = "5",
                ["Provisioning:RetrySeconds"] = "1",
            },
        });

        var chunks = new ChunkTable(db);
        await Eventually.WaitAsync(
            async () => agent.Uplink.IsConnected && await chunks.CountAsync("pos-21") >= 3,
            Bound, "the device provisions through Mosquitto and uploads over TLS",
            async () => $"stored {await chunks.CountAsync()}, connected {agent.Uplink.IsConnected}, credentials {File.Exists(credentialsPath)}; mosquitto log: {Tail(mosquitto.LogPath)}");
        var identity = agent.Services.GetRequiredService<DeviceIdentityStore>().Current!;
        Assert.Equal(("acme", "pos-21", "acme.pos-21"), (identity.TenantId, identity.DeviceId, identity.Username));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(credentialsPath));

        await admin.RevokeAsync("pos-21", CancellationToken.None);
        await Eventually.WaitAsync(() => Task.FromResult(!agent.Uplink.IsConnected), TimeSpan.FromSeconds(15), "Mosquitto drops the revoked device");
        Assert.Equal(MqttClientConnectResultCode.NotAuthorized, await TryConnectAsync(mosquitto.Port, identity.ClientId, identity.Username!, identity.Password!));
        output.WriteLine($"provisioned and uploaded {await chunks.CountAsync("pos-21")} chunks over TLS via Mosquitto, then revoked");
    }

    private static async Task<MqttClientConnectResultCode> TryConnectAsync(int port, string clientId, string username, string password)
    {
        using var client = new MqttClientFactory().CreateMqttClient();
        var result = await client.ConnectAsync(new MqttClientOptionsBuilder()
            .WithTcpServer("127.0.0.1", port).WithClientId(clientId).WithCredentials(username, password)
            .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500).Build());
        return result.ResultCode;
    }

    private static string Tail(string path) => File.Exists(path) ? string.Join(" | ", File.ReadLines(path).TakeLast(8)) : "(no log)";
}
