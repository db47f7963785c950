namespace Iot.Edge.Agent.Health;

/// <summary>Section <c>Health</c>: the local (loopback-only) web endpoint and how conditions are judged.</summary>
public sealed class HealthOptions
{
    public const string Section = "Health";

    /// <summary>Serve <c>/health</c> and <c>/metrics</c> on 127.0.0.1.</summary>
    public bool Enabled { get; set; } = true;

    public int Port { get; set; } = 8042;

    /// <summary>
    /// After start-up, report <see cref="DeviceCondition.Booting"/> for this long unless the broker answers sooner:
    /// opening the microphone and connecting take a moment, and a technician must not be sent chasing that.
    /// </summary>
    public double BootGraceSeconds { get; set; } = 15;
}
