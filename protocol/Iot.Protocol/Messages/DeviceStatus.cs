namespace Iot.Protocol.Messages;

/// <summary>Retained on the status topic; the offline form is the MQTT last will, so a power cut shows too.</summary>
public sealed record DeviceStatus
{
    public required DeviceState State { get; init; }

    public required DateTimeOffset AtUtc { get; init; }

    public string? AgentVersion { get; init; }

    /// <summary>Why the agent (re)connected: first connect, or the disconnect reason it saw.</summary>
    public string? ReconnectReason { get; init; }
}
