namespace Iot.Protocol.Messages;

/// <summary>Retained on the reported topic: what the device runs, and whether the last desired version was taken.</summary>
public sealed record ReportedConfig
{
    /// <summary>Version now in force (0 = local configuration only).</summary>
    public required long AppliedVersion { get; init; }

    /// <summary>Last desired version received, applied or not.</summary>
    public required long LastSeenVersion { get; init; }

    /// <summary>Why <see cref="LastSeenVersion"/> was refused; null when it was applied.</summary>
    public string? Error { get; init; }

    public required DeviceConfigDocument Effective { get; init; }

    public required DateTimeOffset AtUtc { get; init; }
}
