using Iot.Protocol;

namespace Iot.Edge.Agent.Hosting;

/// <summary>Section <c>Agent</c>: who this device is and how it cuts audio.</summary>
public sealed class AgentOptions
{
    public const string Section = "Agent";

    public string TenantId { get; set; } = "";

    public string DeviceId { get; set; } = "";

    public string SpoolDirectory { get; set; } = "spool";

    public int ChunkSeconds { get; set; } = 60;

    public int MaxPayloadBytes { get; set; } = ProtocolLimits.DefaultMaxChunkPayloadBytes;
}
