using Iot.Protocol.Messages;

namespace Iot.Faults.Tests.Fuzz;

public enum FuzzSender
{
    Device,
    Claim,
}

/// <summary>What the system must do with a fuzz message; every outcome is observable from outside the bridge.</summary>
public enum FuzzOutcome
{
    /// <summary>The ingest refuses it and sends a negative ack with <see cref="FuzzMessage.Reason"/>.</summary>
    Rejected,

    /// <summary>A replay of a stored chunk: acked <c>duplicate</c>, nothing written.</summary>
    Duplicate,

    /// <summary>The broker's ACL refuses the PUBLISH (PUBACK NotAuthorized); nothing reaches the bridge's handlers.</summary>
    Refused,

    /// <summary>Provisioning answers <c>invalid</c> on the claim's response topic.</summary>
    ProvisioningInvalid,
}

public sealed record FuzzMessage(FuzzSender Sender, string Category, string Topic, byte[] Payload, FuzzOutcome Outcome, RejectReason Reason = RejectReason.None)
{
    public IReadOnlyList<(string Name, string Value)> UserProperties { get; init; } = [];
}
