using Iot.Edge.Audio;

namespace Iot.Edge.Agent.Health;

/// <summary>One consistent reading of everything the status LED and the health endpoint report.</summary>
public sealed record AgentHealthSnapshot
{
    public DateTimeOffset AtUtc { get; init; }

    public TimeSpan Uptime { get; init; }

    /// <summary>The agent's start on the wall clock (<see cref="AgentHealthProbe.StartedAtUtc"/>).</summary>
    public DateTimeOffset StartedAtUtc { get; init; }

    public string Version { get; init; } = "";

    /// <summary>Start-up grace still running and the broker never reached; see <see cref="DeviceCondition.Booting"/>.</summary>
    public bool Booting { get; init; }

    /// <summary>Null when the audio source is not a microphone (a WAV file), so there is nothing to go missing.</summary>
    public MicState? Mic { get; init; }

    public string? MicDevice { get; init; }

    public string? MicError { get; init; }

    public bool Recording { get; init; }

    /// <summary>Why the recorder records or not right now (<c>schedule</c>, <c>outside-schedule</c>, <c>visit</c>, ...).</summary>
    public string RecordingReason { get; init; } = "";

    public long ChunksSealed { get; init; }

    /// <summary>Chunks in progress that could not be written (disk full, I/O error) and were discarded.</summary>
    public long ChunksLost { get; init; }

    public bool Connected { get; init; }

    public long Connects { get; init; }

    /// <summary><c>host:port</c> of the current broker session (the last one while disconnected); null before the first.</summary>
    public string? Broker { get; init; }

    /// <summary>Whether the current (or last) broker session uses TLS; null before the first connect.</summary>
    public bool? Tls { get; init; }

    /// <summary>Sessions that came up on another broker than the one before (<c>Mqtt:Hosts</c>).</summary>
    public long BrokerFailovers { get; init; }

    public long Published { get; init; }

    public long Acked { get; init; }

    public long AckTimeouts { get; init; }

    public DateTimeOffset? LastAckUtc { get; init; }

    public int OutboxDepth { get; init; }

    public long OutboxBytes { get; init; }

    public int Quarantined { get; init; }

    /// <summary>Unsent chunks dropped by spool limits since installation.</summary>
    public long DroppedChunks { get; init; }

    public TimeSpan? OldestPendingAge { get; init; }

    public long SpoolUsageBytes { get; init; }

    public long? SpoolFreeBytes { get; init; }

    /// <summary>Size of the spool's disk; with <see cref="SpoolFreeBytes"/> the free share the cloud alerts on.</summary>
    public long? SpoolTotalBytes { get; init; }

    public bool AwaitingProvisioning { get; init; }

    public string VadEngine { get; init; } = AgentConditions.NoVad;

    public IReadOnlyList<string> Faults { get; init; } = [];
}
