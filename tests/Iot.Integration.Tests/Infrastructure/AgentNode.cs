using System.Globalization;
using Iot.Edge.Agent.Hosting;
using Iot.Edge.Agent.Outbox;
using Iot.Edge.Agent.Recording;
using Iot.Edge.Agent.Uplink;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Iot.Integration.Tests.Infrastructure;

/// <summary>An edge agent host in the test process: real WAV source, real Opus, real LiteDB, real MQTT.</summary>
public sealed class AgentNode : IAsyncDisposable
{
    private readonly IHost _host;

    private AgentNode(IHost host, string? tenantId, string? deviceId)
    {
        _host = host;
        TenantId = tenantId;
        DeviceId = deviceId;
    }

    /// <summary>Null for a device that gets its identity through provisioning.</summary>
    public string? TenantId { get; }

    public string? DeviceId { get; }

    public IServiceProvider Services => _host.Services;

    public ChunkOutbox Outbox => _host.Services.GetRequiredService<ChunkOutbox>();

    public RecorderStatus Recorder => _host.Services.GetRequiredService<RecorderStatus>();

    public UplinkStatus Uplink => _host.Services.GetRequiredService<UplinkStatus>();

    public static async Task<AgentNode> StartAsync(AgentSettings s)
    {
        var overrides = new Dictionary<string, string?>
        {
            ["Agent:SpoolDirectory"] = s.SpoolDirectory,
            ["Agent:ChunkSeconds"] = s.ChunkSeconds.ToString(CultureInfo.InvariantCulture),
            ["Audio:WavPath"] = s.WavPath,
            ["Audio:RealTime"] = s.RealTime ? "true" : "false",
            ["Mqtt:Port"] = s.BrokerPort.ToString(CultureInfo.InvariantCulture),
            ["Mqtt:AckTimeoutSeconds"] = s.AckTimeoutSeconds.ToString(CultureInfo.InvariantCulture),
            ["Mqtt:MaxInFlight"] = s.MaxInFlight.ToString(CultureInfo.InvariantCulture),
            ["Mqtt:ReconnectMinMilliseconds"] = "100",
            ["Recording:Trigger"] = "Always",
            ["Recording:Upload"] = "Continuous",
            ["Mqtt:ReconnectMaxMilliseconds"] = "1000",
            ["Serilog:MinimumLevel:Default"] = "Error",
            // Several agents share this process; the loopback health endpoint is tested in Iot.Edge.Tests.
            ["Health:Enabled"] = "false",
        };
        if (s.TenantId is not null)
        {
            overrides["Agent:TenantId"] = s.TenantId;
            overrides["Agent:DeviceId"] = s.DeviceId;
        }

        foreach (var (key, value) in s.Extra)
        {
            overrides[key] = value;
        }

        var host = AgentHost.CreateBuilder([], overrides).Build();
        await host.StartAsync();
        return new AgentNode(host, s.TenantId, s.DeviceId);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync(TimeSpan.FromSeconds(10));
        _host.Dispose();
    }
}

public sealed record AgentSettings(string? TenantId, string? DeviceId, string SpoolDirectory, string WavPath, int BrokerPort)
{
    public int ChunkSeconds { get; init; } = 1;

    public bool RealTime { get; init; }

    public double AckTimeoutSeconds { get; init; } = 3;

    public int MaxInFlight { get; init; } = 8;

    public IReadOnlyDictionary<string, string?> Extra { get; init; } = new Dictionary<string, string?>();
}
