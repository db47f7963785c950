namespace Iot.Protocol.Messages;

/// <summary>Desired configuration, retained on the config topic; a higher version supersedes a lower one.</summary>
public sealed record DeviceConfigDocument
{
    public required long Version { get; init; }

    public required DateTimeOffset IssuedAtUtc { get; init; }

    public int? ChunkSeconds { get; init; }

    public int? BitrateBps { get; init; }

    public string? TimeZone { get; init; }
}
