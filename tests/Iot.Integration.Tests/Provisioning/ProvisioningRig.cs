using System.Globalization;
using System.Text.Json;
using Dapper;
using Iot.Integration.Tests.Infrastructure;
using Iot.Provisioning.Admin;
using Iot.Provisioning.Storage;
using Iot.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using MQTTnet;
using Npgsql;

namespace Iot.Integration.Tests.Provisioning;

/// <summary>
/// The real bridge with provisioning and an authenticating embedded broker, plus a factory-fresh real agent that only
/// has a claim file: nothing is faked on either side.
/// </summary>
public sealed class ProvisioningRig : IAsyncDisposable
{
    public const string Tenant = "acme";
    public const string Branch = "north";
    private readonly List<AgentNode> _agents = [];

    private ProvisioningRig(TempDirectory dir, BridgeNode bridge, string connectionString, int port)
    {
        Dir = dir;
        Bridge = bridge;
        ConnectionString = connectionString;
        Port = port;
        Chunks = new ChunkTable(connectionString);
    }

    public TempDirectory Dir { get; }

    public BridgeNode Bridge { get; }

    public string ConnectionString { get; }

    public int Port { get; }

    public ChunkTable Chunks { get; }

    public ProvisioningAdmin Admin => Bridge.Services.GetRequiredService<ProvisioningAdmin>();

    public string CredentialsPath => Path.Combine(Dir.Path, "credentials.json");

    public UnixFileMode CredentialsMode => OperatingSystem.IsWindows() ? throw new PlatformNotSupportedException() : File.GetUnixFileMode(CredentialsPath);

    public static async Task<ProvisioningRig> StartAsync(PostgresServer postgres)
    {
        var dir = new TempDirectory();
        var db = await postgres.CreateDatabaseAsync();
        var port = FreePort.Next();
        var bridge = await BridgeNode.StartAsync(new BridgeSettings(db, dir.Sub("store"), port, External: false)
        {
            RequireAuthentication = true,
            // The operator API on a free port; with no callers configured the bridge mints a local token file, which
            // iotctl reads as an operator on the same box would.
            Extra = new Dictionary<string, string?> { ["Provisioning:PendingRetrySeconds"] = "1", ["Provisioning:CommandSweepSeconds"] = "1", ["ProvisioningApi:Port"] = "0" },
        });
        var rig = new ProvisioningRig(dir, bridge, db, port);
        await rig.Admin.EnsureTenantAsync(Tenant, ReprovisionPolicy.AutoKnownHardware, CancellationToken.None);
        await rig.Admin.EnsureBranchAsync(Tenant, Branch, "North store", CancellationToken.None);
        return rig;
    }

    /// <summary>Starts an agent that knows nothing but its serial and a claim file (0600, as the installer leaves it).</summary>
    public async Task<AgentNode> StartFreshAgentAsync(string serial, double wavSeconds, bool realTime = false)
    {
        var claim = await Admin.CreateClaimAsync(Tenant, Branch, maxUses: null, expiresAt: null, CancellationToken.None);
        var claimPath = Path.Combine(Dir.Path, "claim.json");
        var json = JsonSerializer.Serialize(new Dictionary<string, string> { ["claimId"] = claim.ClaimId, ["secret"] = claim.Secret, ["broker"] = $"127.0.0.1:{Port}" });
        File.WriteAllText(claimPath, json);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(claimPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        var wav = await SpeechAudio.WavAsync(wavSeconds);
        var agent = await AgentNode.StartAsync(new AgentSettings(null, null, Dir.Sub("spool"), wav, Port)
        {
            RealTime = realTime,
            Extra = new Dictionary<string, string?>
            {
                ["Provisioning:ClaimPath"] = claimPath,
                ["Provisioning:CredentialsPath"] = CredentialsPath,
                ["Provisioning:Serial"] = serial,
                ["Provisioning:ResponseTimeoutSeconds"] = "5",
                ["Provisioning:RetrySeconds"] = "1",
                ["Provisioning:InvalidRetrySeconds"] = "1",
            },
        });
        _agents.Add(agent);
        return agent;
    }

    public async Task PreregisterAsync(string serial, string deviceId)
    {
        var import = await Admin.PreregisterAsync(new StringReader($"{serial},{Tenant},{Branch},{deviceId},"), CancellationToken.None);
        Assert.True(import.Succeeded, string.Join("; ", import.Errors));
    }

    /// <summary>Where the bridge's operator API listens.</summary>
    public Uri ApiUrl => Bridge.Services.GetRequiredService<Iot.Cloud.Bridge.Hosting.ProvisioningApiHost>().BaseAddress
                         ?? throw new InvalidOperationException("the bridge's operator API is not listening");

    /// <summary>The real iotctl build (copied next to the tests) in its own process, calling the bridge's operator API.</summary>
    public Task<ToolResult> IotctlAsync(params string[] args)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "iotctl.dll");
        if (!File.Exists(dll))
        {
            throw new InvalidOperationException($"{dll} missing: the test project must reference Iot.Provisioning.Cli");
        }

        return ExternalTool.RunAsync(
            "dotnet",
            [dll, .. args, "--api", ApiUrl.ToString(), "--token-file", Path.Combine(Dir.Sub("store"), "provisioning-api.token"), "--broker", $"127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}", "--mqtt-password", BridgeSettings.ProvisioningSecret],
            TimeSpan.FromSeconds(60));
    }

    /// <summary>What the broker answers a CONNECT with these credentials; MQTTnet 5 reports a refusal in the result.</summary>
    public async Task<MqttClientConnectResultCode> TryConnectAsync(string clientId, string username, string password)
    {
        using var client = new MqttClientFactory().CreateMqttClient();
        var result = await client.ConnectAsync(new MqttClientOptionsBuilder()
            .WithTcpServer("127.0.0.1", Port).WithClientId(clientId).WithCredentials(username, password)
            .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500).Build());
        return result.ResultCode;
    }

    /// <summary>Chunk rows of one device as (tenant, sequence), to prove where and how often they landed.</summary>
    public async Task<IReadOnlyList<(string Tenant, long Sequence)>> StoredChunksAsync(string deviceId)
    {
        await using var c = new NpgsqlConnection(ConnectionString);
        return (await c.QueryAsync<(string, long)>("SELECT tenant_id, seq FROM chunks WHERE device_id = @deviceId ORDER BY seq", new { deviceId })).ToList();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var agent in _agents)
        {
            await agent.DisposeAsync();
        }

        await Bridge.DisposeAsync();
        Dir.Dispose();
    }
}
