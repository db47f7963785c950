namespace Iot.TestSupport.Network;

/// <summary>
/// How badly <see cref="LossyTcpProxy"/> treats the link. Read on every decision, so a test may change them while
/// traffic flows. TCP offers a byte stream, not packets: a user-space proxy cannot drop a segment without corrupting
/// the stream, so "loss" here is what the application above TCP can actually observe: a connection that stalls
/// (half-open, nothing forwarded any more, nothing closed) or one that is cut (RST).
/// </summary>
public sealed class LossyLinkOptions
{
    /// <summary>Added one-way delay client → target, drawn uniformly from [min, max] per read segment; order is kept.</summary>
    public TimeSpan UpstreamLatencyMin { get; set; }

    public TimeSpan UpstreamLatencyMax { get; set; }

    /// <summary>Added one-way delay target → client.</summary>
    public TimeSpan DownstreamLatencyMin { get; set; }

    public TimeSpan DownstreamLatencyMax { get; set; }

    /// <summary>Bytes per second per connection and direction; 0 = unlimited.</summary>
    public long BandwidthBytesPerSecond { get; set; }

    /// <summary>Chance (0–1) of a fault each time a connection has forwarded another <see cref="FaultCheckBytes"/>.</summary>
    public double FaultChancePerCheck { get; set; }

    /// <summary>0 = no per-volume fault checks.</summary>
    public long FaultCheckBytes { get; set; }

    /// <summary>Chance (0–1) of a fault per connection each <see cref="FaultCheckInterval"/>.</summary>
    public double FaultChancePerInterval { get; set; }

    /// <summary>Zero = no timed fault checks.</summary>
    public TimeSpan FaultCheckInterval { get; set; }

    /// <summary>Share of faults that stall the connection instead of resetting it.</summary>
    public double StallShare { get; set; }

    public static LossyLinkOptions Latency(TimeSpan min, TimeSpan max) => new()
    {
        UpstreamLatencyMin = min,
        UpstreamLatencyMax = max,
        DownstreamLatencyMin = min,
        DownstreamLatencyMax = max,
    };
}
