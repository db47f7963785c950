namespace Iot.Edge.Agent.Hosting;

/// <summary>Section <c>Mqtt</c>: the broker and the upload protocol's timing.</summary>
public sealed class MqttOptions
{
    public const string Section = "Mqtt";

    public string Host { get; set; } = "127.0.0.1";

    public int Port { get; set; } = 1883;

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
