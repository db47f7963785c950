namespace Iot.Protocol.Provisioning;

/// <summary>A device asking for its identity, published with the claim credential on its own request topic.</summary>
public sealed record ProvisionRequest
{
    /// <summary>Printed on the case and used in topics; must equal the topic's serial.</summary>
    public required string Serial { get; init; }

    /// <summary>What survives a factory reset (Pi CPU serial, TPM or machine id): how re-provisioning is recognised.</summary>
    public required string HardwareId { get; init; }

    public required string Model { get; init; }

    public required string AgentVersion { get; init; }

    public required DeviceCapabilities Capabilities { get; init; }

    /// <summary>16-64 characters, new per attempt; the response echoes it so a device ignores stale or foreign answers.</summary>
    public required string Nonce { get; init; }

    public required DateTimeOffset RequestedAtUtc { get; init; }
}
