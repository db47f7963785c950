using Iot.Protocol.Messages;

namespace Iot.Protocol.Provisioning;

public sealed record ProvisionResponse
{
    public required string Nonce { get; init; }

    public required ProvisionStatus Status { get; init; }

    public string? Reason { get; init; }

    public int? RetryAfterSeconds { get; init; }

    public DeviceCredentials? Credentials { get; init; }

    /// <summary>Initial desired configuration, so the device starts with its branch's rules before its first config push.</summary>
    public DeviceConfigDocument? Config { get; init; }

    public required DateTimeOffset AtUtc { get; init; }
}
