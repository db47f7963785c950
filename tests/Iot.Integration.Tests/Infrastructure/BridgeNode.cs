using System.Globalization;
using Iot.Cloud.Bridge.Broker;
using Iot.Cloud.Bridge.Hosting;
using Iot.Cloud.Bridge.Ingest;
using Iot.Provisioning.Messaging;
using Microsoft.Extensions.DependencyInjection;
using Iot.TestSupport;
using Microsoft.Extensions.Hosting;

namespace Iot.Integration.Tests.Infrastructure;

/// <summary>A bridge host running in the test process against real PostgreSQL and a real broker.</summary>
public sealed class BridgeNode : IAsyncDisposable
{
    private readonly IHost _host;

    private BridgeNode(IHost host) => _host = host;

    public IngestMetrics Metrics => _host.Services.GetRequiredService<IngestMetrics>();

    public BridgeConnection Connection => _host.Services.GetRequiredService<BridgeConnection>();

    public EmbeddedBroker? EmbeddedBroker => _host.Services.GetService<EmbeddedBroker>();

    public string StorageRoot { get; private init; } = "";

    /// <summary>The bridge's /metrics and /health base address.</summary>
    public Uri MetricsAddress => new(_host.Services.GetRequiredService<MetricsEndpoint>().Addresses[0]);

    public IServiceProvider Services => _host.Services;

    /// <summary>The host itself, for tests that end it their own way (<see cref="HostShutdown"/>).</summary>
    public IHost Host => _host;

    /// <param name="log">Receives every event the host logs (at the configured minimum level and above).</param>
    public static async Task<BridgeNode> StartAsync(BridgeSettings s, IIngestHook? hook = null, LogCapture? log = null)
    {
        var overrides = new Dictionary<string, string?>
        {
            ["Bridge:InstanceId"] = s.InstanceId,
            ["Bridge:MaxPayloadBytes"] = s.MaxPayloadBytes.ToString(CultureInfo.InvariantCulture),
            ["Broker:Mode"] = s.External ? "External" : "Embedded",
            ["Broker:Port"] = s.BrokerPort.ToString(CultureInfo.InvariantCulture),
            ["Broker:ListenAddress"] = "127.0.0.1",
            // Ingest tests use anonymous agents; provisioning tests need the broker to check every identity.
            ["Broker:RequireAuthentication"] = s.RequireAuthentication ? "true" : "false",
            ["Broker:ServiceAccounts:provisioning"] = BridgeSettings.ProvisioningSecret,
            ["Database:ConnectionString"] = s.ConnectionString,
            ["Storage:Root"] = s.StorageRoot,
            ["Serilog:MinimumLevel:Default"] = "Error",
            // Several bridges run side by side in the test process: each takes a free port for /metrics.
            ["Metrics:Port"] = "0",
            // Likewise the provisioning API: on its default port a second bridge logs an error (tests assert none).
            ["ProvisioningApi:Port"] = "0",
        };
        foreach (var (key, value) in s.Extra)
        {
            overrides[key] = value;
        }

        for (var i = 0; i < s.SeedDevices.Count; i++)
        {
            overrides[$"Bridge:SeedDevices:{i}"] = s.SeedDevices[i];
        }

        var builder = BridgeHost.CreateBuilder([], overrides);
        if (hook is not null)
        {
            builder.Services.AddSingleton(hook);
        }

        if (log is not null)
        {
            builder.Services.AddSingleton<Serilog.Core.ILogEventSink>(log);
        }

        var host = builder.Build();
        await host.StartAsync();
        var node = new BridgeNode(host) { StorageRoot = s.StorageRoot };
        await node.Connection.Subscribed.WaitAsync(TimeSpan.FromSeconds(20));
        await host.Services.GetRequiredService<ProvisioningConnection>().Subscribed.WaitAsync(TimeSpan.FromSeconds(20));
        return node;
    }

    /// <summary>Drops the MQTT session without DISCONNECT and stops the host, as close to kill -9 as one process allows.</summary>
    public async Task CrashAsync()
    {
        Connection.Abort();
        await _host.StopAsync(TimeSpan.FromSeconds(5));
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _host.StopAsync(TimeSpan.FromSeconds(10));
        }
        catch (ObjectDisposedException)
        {
        }

        _host.Dispose();
    }
}

public sealed record BridgeSettings(string ConnectionString, string StorageRoot, int BrokerPort, bool External)
{
    public string InstanceId { get; init; } = "bridge-1";

    public int MaxPayloadBytes { get; init; } = Iot.Protocol.ProtocolLimits.DefaultMaxChunkPayloadBytes;

    /// <summary>The svc.provisioning secret the embedded broker is given, so iotctl can log in as that service.</summary>
    public const string ProvisioningSecret = "provisioning-test-secret";

    public IReadOnlyList<string> SeedDevices { get; init; } = [];

    public bool RequireAuthentication { get; init; }

    public IReadOnlyDictionary<string, string?> Extra { get; init; } = new Dictionary<string, string?>();
}
