using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace Iot.Cloud.Bridge.Broker.Tls;

/// <summary>The names a generated server certificate carries: whatever a device may put in its broker address.</summary>
public sealed record ServerNames(IReadOnlyList<string> DnsNames, IReadOnlyList<IPAddress> Addresses)
{
    public static ServerNames For(IEnumerable<string> configured, IPAddress listenAddress)
    {
        var dns = new SortedSet<string>(StringComparer.OrdinalIgnoreCase) { "localhost" };
        var ips = new HashSet<IPAddress> { IPAddress.Loopback, IPAddress.IPv6Loopback };
        foreach (var name in configured.Where(n => !string.IsNullOrWhiteSpace(n)).Select(n => n.Trim()))
        {
            if (IPAddress.TryParse(name, out var ip))
            {
                ips.Add(ip);
            }
            else
            {
                dns.Add(name);
            }
        }

        AddMachineNames(dns);
        if (listenAddress.Equals(IPAddress.Any) || listenAddress.Equals(IPAddress.IPv6Any))
        {
            // Listening everywhere: every address this machine has now. A later address change makes a new server
            // certificate at the next start, under the same CA, so devices never notice.
            foreach (var address in LocalAddresses())
            {
                ips.Add(address);
            }
        }
        else
        {
            ips.Add(listenAddress);
        }

        return new ServerNames(dns.ToList(), ips.OrderBy(a => a.ToString(), StringComparer.Ordinal).ToList());
    }

    /// <summary>True when a certificate with <paramref name="dnsNames"/> and <paramref name="addresses"/> covers every name here.</summary>
    public bool CoveredBy(IEnumerable<string> dnsNames, IEnumerable<IPAddress> addresses)
    {
        var dns = new HashSet<string>(dnsNames, StringComparer.OrdinalIgnoreCase);
        var ips = addresses.ToHashSet();
        return DnsNames.All(dns.Contains) && Addresses.All(ips.Contains);
    }

    public override string ToString() => string.Join(", ", DnsNames.Concat(Addresses.Select(a => a.ToString())));

    private static void AddMachineNames(SortedSet<string> dns)
    {
        foreach (var name in new[] { Environment.MachineName, Dns.GetHostName() })
        {
            if (Uri.CheckHostName(name) == UriHostNameType.Dns)
            {
                dns.Add(name.ToLowerInvariant());
            }
        }
    }

    private static IEnumerable<IPAddress> LocalAddresses()
    {
        foreach (var nic in NetworkInterface.GetAllNetworkInterfaces().Where(n => n.OperationalStatus == OperationalStatus.Up))
        {
            foreach (var unicast in nic.GetIPProperties().UnicastAddresses)
            {
                var a = unicast.Address;
                // Link-local IPv6 needs a scope id no certificate can name.
                if (a.AddressFamily == AddressFamily.InterNetwork || (a.AddressFamily == AddressFamily.InterNetworkV6 && !a.IsIPv6LinkLocal))
                {
                    yield return a.ScopeId == 0 ? a : new IPAddress(a.GetAddressBytes());
                }
            }
        }
    }
}
