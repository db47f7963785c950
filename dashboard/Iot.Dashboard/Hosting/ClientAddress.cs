using System.Net;

namespace Iot.Dashboard.Hosting;

/// <summary>
/// The rate-limit identity of a client address. IPv4 is one address (/32); IPv6 is its /64, because one subscriber
/// (one attacker) is routinely handed a whole /64 and can rotate through 2^64 addresses at no cost.
/// </summary>
public static class ClientAddress
{
    public static string PartitionKey(IPAddress? address)
    {
        if (address is null)
        {
            return "unknown";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }

        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }
}
