using Iot.Edge.Agent.Hosting;
using Iot.Mqtt;

namespace Iot.Bench;

/// <summary>
/// The upload rules of a real device, read from the agent's own option defaults (<see cref="MqttOptions"/>) and its
/// shared backoff (<see cref="ExponentialBackoff"/>), so the simulated fleet follows the agent when those change.
/// </summary>
internal static class DeviceRules
{
    private static readonly MqttOptions Agent = new();

    /// <summary><c>BrokerSession.SessionExpirySeconds</c> (private there): a device's session outlives a week's outage.</summary>
    public const uint SessionExpirySeconds = 7 * 24 * 3600;

    public static TimeSpan AckTimeout => TimeSpan.FromSeconds(Agent.AckTimeoutSeconds);

    public static int MaxInFlight => Agent.MaxInFlight;

    public static TimeSpan KeepAlive => TimeSpan.FromSeconds(Agent.KeepAliveSeconds);

    public static ExponentialBackoff ReconnectBackoff() =>
        new(TimeSpan.FromMilliseconds(Agent.ReconnectMinMilliseconds), TimeSpan.FromMilliseconds(Agent.ReconnectMaxMilliseconds));

    public static string Describe() =>
        $"ack timeout {Agent.AckTimeoutSeconds:0.#} s, {Agent.MaxInFlight} in flight, reconnect backoff {Agent.ReconnectMinMilliseconds} ms doubling to {Agent.ReconnectMaxMilliseconds / 1000} s with equal jitter";
}
