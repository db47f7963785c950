namespace Iot.Edge.Agent.Health;

/// <summary>Section <c>Health</c>: the local (loopback-only) web endpoint and how conditions are judged.</summary>
public sealed class HealthOptions
{
    public const string Section = "Health";

    /// <summary>Serve <c>/health</c> and <c>/metrics</c> on 127.0.0.1.</summary>
    public bool Enabled { get; set; } = true;

    public int Port { get; set; } = 8042;

    /// <summary>
    /// The bearer token file for <c>POST /events</c>, created on first start (mode 0640); empty = <c>events.token</c>
    /// in <c>Agent:SpoolDirectory</c>. The desk integration reads it and sends <c>Authorization: Bearer &lt;token&gt;</c>.
    /// </summary>
    public string EventsTokenFile { get; set; } = "";

    /// <summary>
    /// Web origins allowed to post events from a browser (e.g. a desk web app served by the queue system); none by
    /// default, because every web page open on the desk PC would otherwise be one.
    /// </summary>
    public string[] EventsAllowedOrigins { get; set; } = [];

    /// <summary>
    /// After start-up, report <see cref="DeviceCondition.Booting"/> for this long unless the broker answers sooner:
    /// opening the microphone and connecting take a moment, and a technician must not be sent chasing that.
    /// </summary>
    public double BootGraceSeconds { get; set; } = 15;
}
