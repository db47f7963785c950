using MQTTnet.Protocol;

namespace Iot.Mqtt;

/// <summary>Everything that differs between the system's MQTT connections; <see cref="MqttClientOptionsFactory"/> turns it into MQTTnet options.</summary>
public sealed record MqttConnectSettings
{
    public required string Host { get; init; }

    public required int Port { get; init; }

    public required string ClientId { get; init; }

    /// <summary>Null or empty: connect without credentials (embedded broker without authentication, tests).</summary>
    public string? Username { get; init; }

    public string? Password { get; init; }

    /// <summary>
    /// False with a non-zero <see cref="SessionExpirySeconds"/> keeps the broker-side session (subscriptions, queued
    /// QoS 1 messages) across reconnects: the device and the bridge rely on it; one-shot clients start clean.
    /// </summary>
    public bool CleanStart { get; init; } = true;

    public uint SessionExpirySeconds { get; init; }

    public TimeSpan KeepAlive { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>How long a CONNECT (and each later packet exchange) may take before it counts as failed.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>At most this many unacknowledged QoS 1 messages from the broker; null = the protocol's default.</summary>
    public ushort? ReceiveMaximum { get; init; }

    public MqttLastWill? LastWill { get; init; }

    /// <summary>Null: plain MQTT. Whether plain text is allowed is the caller's policy (the agent refuses it off loopback).</summary>
    public MqttTlsSettings? Tls { get; init; }

    public override string ToString() => $"{ClientId}@{Host}:{Port}";
}

/// <summary>What the broker publishes for a client that vanished without a DISCONNECT.</summary>
public sealed record MqttLastWill(string Topic, byte[] Payload, bool Retain, MqttQualityOfServiceLevel Qos = MqttQualityOfServiceLevel.AtLeastOnce);
