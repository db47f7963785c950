using System.Net;
using System.Net.Sockets;

namespace Iot.Provisioning.Alerts.Delivery;

/// <summary>
/// Keeps tenant-supplied webhook URLs away from the bridge's own network (SSRF): only http(s), and unless
/// <see cref="AlertDeliveryOptions.AllowPrivateTargets"/> no address that is loopback, private, link-local (the cloud
/// metadata service), CGNAT, multicast or unspecified. The check runs where the socket is opened
/// (<see cref="ConnectAsync"/>), on the addresses actually connected to, so a DNS name that answers differently on the
/// second lookup (rebinding) gains nothing.
/// </summary>
public sealed class WebhookTargetGuard(bool allowPrivate)
{
    /// <summary>Why the URL cannot be used at all (scheme, shape, an address literal inside the network); null = go on.</summary>
    public string? RefuseUrl(string? url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            return "webhook URL must be an absolute http or https URL";
        }

        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            return "webhook URL must not carry a user name or password";
        }

        return !allowPrivate && uri.HostNameType is UriHostNameType.IPv4 or UriHostNameType.IPv6
            && IPAddress.TryParse(uri.Host.Trim('[', ']'), out var literal) && IsInternal(literal)
            ? $"webhook target {literal} is an internal address (Alerts:Delivery:AllowPrivateTargets is false)"
            : null;
    }

    /// <summary>SocketsHttpHandler.ConnectCallback: resolve, refuse internal addresses, connect to the first that answers.</summary>
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken ct)
    {
        var host = context.DnsEndPoint.Host;
        var addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, ct).ConfigureAwait(false);
        if (!allowPrivate && addresses.FirstOrDefault(IsInternal) is { } inside)
        {
            // Any internal answer refuses the name: picking the public ones would still let a name mix both and win races.
            throw new WebhookTargetRefusedException($"webhook host {host} resolves to internal address {inside} (Alerts:Delivery:AllowPrivateTargets is false)");
        }

        Exception? last = null;
        foreach (var address in addresses)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, context.DnsEndPoint.Port), ct).ConfigureAwait(false);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException ex)
            {
                socket.Dispose();
                last = ex;
            }
        }

        throw last ?? new SocketException((int)SocketError.HostNotFound);
    }

    public static bool IsInternal(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any) || address.Equals(IPAddress.Broadcast))
        {
            return true;
        }

        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            var b = address.GetAddressBytes();
            return address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast || (b[0] & 0xFE) == 0xFC // fc00::/7 unique local
                || address.IsIPv6Teredo || (b[0] == 0x20 && b[1] == 0x02); // 2002::/16 6to4 can wrap an internal IPv4
        }

        var v4 = address.GetAddressBytes();
        return v4[0] switch
        {
            0 or 10 or 127 => true,
            100 => v4[1] >= 64 && v4[1] <= 127,       // 100.64.0.0/10 carrier-grade NAT
            169 => v4[1] == 254,                      // link-local, the cloud metadata service
            172 => v4[1] >= 16 && v4[1] <= 31,
            192 => v4[1] == 168 || (v4[1] == 0 && v4[2] is 0 or 2), // 192.168/16, 192.0.0/24, 192.0.2/24
            198 => v4[1] is 18 or 19,                 // 198.18.0.0/15 benchmarking
            >= 224 => true,                           // multicast and reserved
            _ => false,
        };
    }
}

/// <summary>The webhook URL points inside the network; permanent for that URL.</summary>
public sealed class WebhookTargetRefusedException(string message) : Exception(message);
