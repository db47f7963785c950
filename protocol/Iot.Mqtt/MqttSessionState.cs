namespace Iot.Mqtt;

public enum MqttSessionState
{
    Disconnected,
    Connecting,
    Connected,
}

/// <summary>
/// A change of a session's state, with why: what the broker or the network said, or what the owner asked for.
/// <paramref name="Attempt"/> is set when a connect attempt ended (how it ended), null when an established connection was lost or closed.
/// </summary>
public sealed record MqttSessionStateChange(string Session, MqttSessionState State, string Reason, DateTimeOffset AtUtc, MqttConnectSettings? Settings, MqttConnectStatus? Attempt = null);
