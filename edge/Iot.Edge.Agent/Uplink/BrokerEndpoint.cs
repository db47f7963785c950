using System.Globalization;

namespace Iot.Edge.Agent.Uplink;

/// <summary>
/// One broker the agent may connect to. <see cref="Host"/> is kept without brackets (what the socket layer wants);
/// <see cref="ToString"/> puts them back for IPv6 so the text parses again.
/// </summary>
public readonly record struct BrokerEndpoint(string Host, int Port)
{
    public override string ToString() =>
        Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]:{Port.ToString(CultureInfo.InvariantCulture)}" : $"{Host}:{Port.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>
    /// <c>host:port</c>, <c>[ipv6]:port</c>, or a bare <c>host</c> / <c>[ipv6]</c> meaning <paramref name="defaultPort"/>.
    /// A bare IPv6 address without brackets is refused: in <c>fe80::1:1883</c> nobody can tell where the port starts.
    /// </summary>
    public static bool TryParse(string? value, int defaultPort, out BrokerEndpoint endpoint, out string error)
    {
        endpoint = default;
        var text = value?.Trim() ?? "";
        string host;
        ReadOnlySpan<char> portText;
        if (text.Length == 0)
        {
            error = "is empty; expected host:port";
            return false;
        }

        if (text.StartsWith('['))
        {
            var close = text.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
            {
                error = "has '[' without ']'; expected [ipv6]:port";
                return false;
            }

            host = text[1..close];
            var rest = text.AsSpan(close + 1);
            if (rest.Length > 0 && rest[0] != ':')
            {
                error = "has text after ']' that is not :port";
                return false;
            }

            portText = rest.Length == 0 ? default : rest[1..];
            if (Uri.CheckHostName(host) != UriHostNameType.IPv6)
            {
                error = "has brackets around something that is not an IPv6 address";
                return false;
            }
        }
        else
        {
            var colon = text.IndexOf(':', StringComparison.Ordinal);
            if (colon >= 0 && text.IndexOf(':', colon + 1) >= 0)
            {
                error = text.Contains("://", StringComparison.Ordinal)
                    ? "is a URL; expected host:port without a scheme"
                    : "looks like an IPv6 address; write it as [address]:port";
                return false;
            }

            host = colon < 0 ? text : text[..colon];
            portText = colon < 0 ? default : text.AsSpan(colon + 1);
            if (Uri.CheckHostName(host) is not (UriHostNameType.Dns or UriHostNameType.IPv4))
            {
                error = $"host '{host}' is not a host name or IPv4 address";
                return false;
            }
        }

        var port = defaultPort;
        if (!portText.IsEmpty || text.EndsWith(':'))
        {
            if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535)
            {
                error = $"port '{portText}' must be 1..65535";
                return false;
            }
        }

        endpoint = new BrokerEndpoint(host, port);
        error = "";
        return true;
    }
}
