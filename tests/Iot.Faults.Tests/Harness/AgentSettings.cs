namespace Iot.Faults.Tests.Harness;

/// <summary>How one agent process is started. <see cref="Extra"/> entries become <c>--Key=value</c> arguments and win.</summary>
public sealed record AgentSettings(string DeviceId, string SpoolDirectory, string WavPath, int BrokerPort)
{
    public string TenantId { get; init; } = "acme";

    public string BrokerHost { get; init; } = "127.0.0.1";

    public int ChunkSeconds { get; init; } = 1;

    public double AckTimeoutSeconds { get; init; } = 3;

    /// <summary>False starts the agent with recording switched off (branch disabled): it only uploads its backlog.</summary>
    public bool Record { get; init; } = true;

    /// <summary>A native agent executable (the NativeAOT publish) to run instead of the JIT build next to the tests.</summary>
    public string? Executable { get; init; }

    public IReadOnlyDictionary<string, string> Extra { get; init; } = new Dictionary<string, string>();

    /// <summary>The <c>tenant/device</c> pair the bridge must have registered.</summary>
    public string SeedDevice => $"{TenantId}/{DeviceId}";
}
