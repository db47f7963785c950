namespace Iot.Cloud.Bridge.Hosting;

/// <summary>Section <c>Metrics</c>: the bridge's local <c>/metrics</c> (Prometheus text) and <c>/health</c> endpoint.</summary>
public sealed class MetricsEndpointOptions
{
    public const string Section = "Metrics";

    public bool Enabled { get; set; } = true;

    /// <summary>Loopback by default: a scraper or sidecar on the same host reads it; expose it deliberately.</summary>
    public string ListenAddress { get; set; } = "127.0.0.1";

    /// <summary>0 picks a free port (logged at start-up), which tests use to run several bridges side by side.</summary>
    public int Port { get; set; } = 9470;
}
