namespace Iot.Protocol.Messages;

/// <summary>
/// Desired configuration, retained on the config topic. A higher <see cref="Version"/> supersedes a lower one; an
/// absent field leaves the device's current value. The device validates the whole document before applying any of
/// it, keeps the last good one on refusal, and answers on its reported topic.
/// </summary>
public sealed record DeviceConfigDocument
{
    public required long Version { get; init; }

    public required DateTimeOffset IssuedAtUtc { get; init; }

    public RecordingConfig? Recording { get; init; }

    public int? ChunkSeconds { get; init; }

    public int? BitrateBps { get; init; }

    /// <summary>auto, silero or energy.</summary>
    public string? VadEngine { get; init; }

    public double? SpoolMaxAgeDays { get; init; }

    public double? SpoolMaxSizeGb { get; init; }

    /// <summary>Verbose, Debug, Information, Warning, Error.</summary>
    public string? LogLevel { get; init; }

    /// <summary>
    /// Languages the staff at this device speak (<see cref="SpokenLanguageCodes"/>). The cloud transcribes only in
    /// these (and waits when no recogniser has one); the agent's own Whisper uses the single one, or identifies among
    /// several. Null = the branch's or tenant's setting.
    /// </summary>
    public IReadOnlyList<string>? SpokenLanguages { get; init; }
}

/// <summary>When and whom the device records; mirrors the agent's Recording section.</summary>
public sealed record RecordingConfig
{
    /// <summary>Schedule, Visits or Always.</summary>
    public string? Trigger { get; init; }

    /// <summary>SpeechOnly or Continuous.</summary>
    public string? Upload { get; init; }

    public string? TimeZone { get; init; }

    public IReadOnlyDictionary<string, string>? Schedule { get; init; }

    public bool? BranchEnabled { get; init; }

    public IReadOnlyList<string>? EnabledUsers { get; init; }

    public bool? RequireDeskUser { get; init; }
}
