using Iot.Protocol.Messages;

namespace Iot.Protocol.Provisioning;

public sealed record ProvisionResponse
{
    public required string Nonce { get; init; }

    public required ProvisionStatus Status { get; init; }

    public string? Reason { get; init; }

    public int? RetryAfterSeconds { get; init; }

    /// <summary>In clear only when the request carried no <see cref="ProvisionRequest.ResponseKey"/>.</summary>
    public DeviceCredentials? Credentials { get; init; }

    /// <summary>The credentials sealed to the request's response key (<see cref="CredentialSeal"/>), instead of <see cref="Credentials"/>.</summary>
    public string? SealedCredentials { get; init; }

    /// <summary>Initial desired configuration, so the device starts with its branch's rules before its first config push.</summary>
    public DeviceConfigDocument? Config { get; init; }

    public required DateTimeOffset AtUtc { get; init; }
}
