namespace Iot.Mqtt;

public enum MqttConnectStatus
{
    Connected,

    /// <summary>No broker answered (network, TLS, timeout): try again, or another broker.</summary>
    Unreachable,

    /// <summary>The broker answered the CONNECT with a refusal (credentials, not authorised).</summary>
    Refused,

    /// <summary>Connected, but a required subscription was refused; the connection was closed again.</summary>
    SubscribeRefused,
}

/// <summary>How one connect attempt ended, with the reason in words for logs and status.</summary>
public sealed record MqttConnectOutcome(MqttConnectStatus Status, string Reason, bool SessionPresent = false)
{
    /// <summary>Optional subscriptions the broker refused (filter and code), when <see cref="Status"/> is Connected.</summary>
    public IReadOnlyList<(string Filter, string Code)> OptionalRefused { get; init; } = [];

    /// <summary>Required subscriptions the broker refused (filter and code), when <see cref="Status"/> is SubscribeRefused.</summary>
    public IReadOnlyList<(string Filter, string Code)> RequiredRefused { get; init; } = [];

    public bool IsConnected => Status == MqttConnectStatus.Connected;
}
