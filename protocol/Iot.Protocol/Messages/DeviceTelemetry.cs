namespace Iot.Protocol.Messages;

/// <summary>Periodic health sample from an agent.</summary>
public sealed record DeviceTelemetry
{
    public required DateTimeOffset AtUtc { get; init; }

    public int OutboxDepth { get; init; }

    public long OutboxBytes { get; init; }

    public double? OldestPendingAgeSeconds { get; init; }

    public int QuarantinedChunks { get; init; }

    public DateTimeOffset? LastAckUtc { get; init; }

    public bool Recording { get; init; }

    /// <summary>Why the device is or is not recording: in-schedule, outside-schedule, visit, no-visit, branch-disabled, …</summary>
    public string? RecordingReason { get; init; }

    public string? TransactionId { get; init; }

    /// <summary>Last refused recording start, e.g. "t-5: user-not-enabled".</summary>
    public string? LastRefusal { get; init; }

    /// <summary>missing, present or streaming; null for file sources.</summary>
    public string? Mic { get; init; }

    /// <summary>Unsent chunks dropped by spool limits since installation.</summary>
    public long DroppedChunks { get; init; }

    /// <summary>Chunks lost while being written (disk full or failing) since the agent started.</summary>
    public long LostChunks { get; init; }

    public long RssBytes { get; init; }

    public string? AgentVersion { get; init; }

    /// <summary>When the agent process started (as in <see cref="DeviceStatus.StartedAtUtc"/>); null from older agents.</summary>
    public DateTimeOffset? StartedAtUtc { get; init; }

    /// <summary>Free bytes on the disk holding the spool; null when unknown (older agents, an unreadable mount).</summary>
    public long? SpoolFreeBytes { get; init; }

    /// <summary>Size of the disk holding the spool, for the free-space share; null when unknown.</summary>
    public long? SpoolTotalBytes { get; init; }

    /// <summary>
    /// The capture device's name (ALSA device, Windows endpoint) or, for a file source, the WAV file's name; null from
    /// older agents and before a microphone was ever opened.
    /// </summary>
    public string? MicName { get; init; }

    /// <summary>The recording trigger in force (<c>Schedule</c>, <c>Visits</c>, <c>Always</c>); null from older agents.</summary>
    public string? RecordingTrigger { get; init; }

    /// <summary>Whether the MQTT session carrying this telemetry uses TLS; null from older agents.</summary>
    public bool? Tls { get; init; }

    /// <summary><c>host:port</c> of the broker of the current session (one of <c>Mqtt:Hosts</c>); null from older agents.</summary>
    public string? Broker { get; init; }
}
