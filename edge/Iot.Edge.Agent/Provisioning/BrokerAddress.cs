using System.Globalization;

namespace Iot.Edge.Agent.Provisioning;

internal static class BrokerAddress
{
    /// <summary>"host:port" or "host" (1883); "[::1]:1883" for IPv6.</summary>
    public static (string Host, int Port) Parse(string value)
    {
        var colon = value.LastIndexOf(':');
        if (colon < 0 || value.EndsWith(']'))
        {
            return (value.Trim('[', ']'), 1883);
        }

        if (!int.TryParse(value.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            throw new InvalidDataException($"broker '{value}' must be host:port with port 1..65535");
        }

        return (value[..colon].Trim('[', ']'), port);
    }
}
