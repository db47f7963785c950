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

    /// <summary>
    /// A random secret the device made at its first provisioning and keeps outside the area a factory reset wipes. The
    /// cloud stores only its hash; presenting it again is the device's proof for unattended re-provisioning (the
    /// serial and hardware id are printed or derivable, so they prove nothing). Optional: without it an operator decides.
    /// </summary>
    public string? RecoveryKey { get; init; }

    /// <summary>
    /// A fresh ECDH P-256 public key (base64 SubjectPublicKeyInfo) per attempt; the cloud then seals the credentials of an
    /// approved answer to it (<see cref="CredentialSeal"/>), so whoever else can read the response topic (a same-tenant
    /// claim on Mosquitto, a misconfigured ACL) learns no password. Optional for older agents.
    /// </summary>
    public string? ResponseKey { get; init; }
}
