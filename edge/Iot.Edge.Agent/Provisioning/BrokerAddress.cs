using Iot.Edge.Agent.Uplink;

namespace Iot.Edge.Agent.Provisioning;

internal static class BrokerAddress
{
    /// <summary>The broker a claim bundle names: "host:port", "host" (1883), "[::1]:1883" for IPv6.</summary>
    /// <exception cref="InvalidDataException">Not one of those forms.</exception>
    public static BrokerEndpoint Parse(string value) =>
        BrokerEndpoint.TryParse(value, 1883, out var endpoint, out var error)
            ? endpoint
            : throw new InvalidDataException($"broker '{value}' {error}");
}
