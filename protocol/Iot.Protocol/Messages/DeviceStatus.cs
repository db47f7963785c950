namespace Iot.Protocol.Messages;

/// <summary>Retained on the status topic; the offline form is the MQTT last will, so a power cut shows too.</summary>
public sealed record DeviceStatus
{
    public required DeviceState State { get; init; }

    public required DateTimeOffset AtUtc { get; init; }

    public string? AgentVersion { get; init; }

    /// <summary>Why the agent (re)connected: first connect, or the disconnect reason it saw.</summary>
    public string? ReconnectReason { get; init; }

    /// <summary>
    /// When the agent process started (its own clock). A new value on an online status means the agent restarted, which
    /// the cloud counts for crash-loop alerts; null from agents older than this field.
    /// </summary>
    public DateTimeOffset? StartedAtUtc { get; init; }
}
