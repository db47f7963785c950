namespace Iot.Protocol.Messages;

/// <summary>Cloud → device instruction on the cmd topic; the device answers on telemetry with the same id.</summary>
public sealed record DeviceCommand
{
    public required Guid CommandId { get; init; }

    public required string Name { get; init; }

    public IReadOnlyDictionary<string, string> Args { get; init; } = new Dictionary<string, string>();

    public required DateTimeOffset IssuedAtUtc { get; init; }

    public DateTimeOffset? ExpiresAtUtc { get; init; }
}
