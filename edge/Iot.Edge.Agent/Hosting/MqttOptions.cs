namespace Iot.Edge.Agent.Hosting;

/// <summary>Section <c>Mqtt</c>: the broker and the upload protocol's timing.</summary>
public sealed class MqttOptions
{
    public const string Section = "Mqtt";

    public const string DefaultHost = "127.0.0.1";

    /// <summary>
    /// The one broker, as before <see cref="Hosts"/> existed; null (unset) means <see cref="DefaultHost"/>. Setting it
    /// together with <see cref="Hosts"/> stops the start: which one was meant cannot be guessed.
    /// </summary>
    public string? Host { get; set; }

    /// <summary>Port of <see cref="Host"/>, and of every <see cref="Hosts"/> entry written without one.</summary>
    public int Port { get; set; } = 1883;

    /// <summary>
    /// Brokers tried in order (<c>host:port</c>, <c>[ipv6]:port</c>, or a bare host meaning <see cref="Port"/>); the one
    /// that accepts the session is kept until it fails (<see cref="Uplink.BrokerFailover"/>). TLS settings apply to each.
    /// </summary>
    public List<string> Hosts { get; set; } = [];

    public string? Username { get; set; }

    public string? Password { get; set; }

    /// <summary>
    /// Plain MQTT to a broker that is not on this machine. Off by default: the device password and every chunk would
    /// cross the network readable by anyone on it. Loopback brokers (the demo) never need it.
    /// </summary>
    public bool AllowPlaintext { get; set; }

    public int KeepAliveSeconds { get; set; } = 30;

    /// <summary>Resend a chunk when the cloud's ack has not come back in this time.</summary>
    public double AckTimeoutSeconds { get; set; } = 30;

    /// <summary>Chunks published and awaiting their ack at once.</summary>
    public int MaxInFlight { get; set; } = 8;

    public int ReconnectMinMilliseconds { get; set; } = 500;

    public int ReconnectMaxMilliseconds { get; set; } = 60_000;

    public int TelemetrySeconds { get; set; } = 60;

    /// <summary>Section <c>Mqtt:Tls</c>: applies to the provisioning (claim) connection and the device's own.</summary>
    public MqttTlsOptions Tls { get; set; } = new();
}
