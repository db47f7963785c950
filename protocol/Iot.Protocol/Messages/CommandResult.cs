namespace Iot.Protocol.Messages;

/// <summary>The device's answer to a <see cref="DeviceCommand"/>, on its cmdresult topic.</summary>
public sealed record CommandResult
{
    public required Guid CommandId { get; init; }

    public required CommandStatus Status { get; init; }

    public string? Detail { get; init; }

    public required DateTimeOffset AtUtc { get; init; }
}
