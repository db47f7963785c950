using System.Net;
using Iot.Cloud.Bridge.Broker;
using Iot.Cloud.Bridge.Broker.Tls;

namespace Iot.Cloud.Bridge.Hosting;

/// <summary>
/// Start-up checks for <c>Broker:Tls</c> and <c>Broker:AllowPlaintext</c> (embedded broker). A configured certificate is
/// loaded here, so a wrong path or a key that does not belong to it stops the start naming the key, not the first device.
/// </summary>
internal static class BrokerTlsOptionsRules
{
    public static IEnumerable<string> Check(BrokerOptions o)
    {
        const string s = BrokerOptions.Section;
        const string t = s + ":Tls";
        if (!IPAddress.TryParse(o.ListenAddress, out var listen))
        {
            yield break; // reported with Broker:ListenAddress
        }

        if (!string.IsNullOrWhiteSpace(o.Tls.ListenAddress) && !IPAddress.TryParse(o.Tls.ListenAddress, out _))
        {
            yield return $"{t}:ListenAddress '{o.Tls.ListenAddress}' is not an IP address";
            yield break;
        }

        if (o.Tls.Port is < 0 or > 65535)
        {
            yield return $"{t}:Port {o.Tls.Port} must be 0 (no TLS listener) or 1..65535";
            yield break;
        }

        if (o.Tls.Port == 0 && !IPAddress.IsLoopback(listen) && !o.AllowPlaintext)
        {
            yield return $"{t}:Port 0 leaves devices on {s}:ListenAddress {o.ListenAddress} without TLS; set a TLS port, or {s}:AllowPlaintext=true to serve plain MQTT there";
        }

        var listeners = BrokerListeners.For(o);
        if (listeners.HasTls && listeners.TlsPort == listeners.PlainPort)
        {
            yield return $"{t}:Port {o.Tls.Port} must differ from {s}:Port";
        }

        for (var i = 0; i < o.Tls.HostNames.Count; i++)
        {
            if (Uri.CheckHostName(o.Tls.HostNames[i]) is not (UriHostNameType.Dns or UriHostNameType.IPv4 or UriHostNameType.IPv6))
            {
                yield return $"{t}:HostNames:{i} '{o.Tls.HostNames[i]}' is not a DNS name or IP address";
            }
        }

        foreach (var problem in CheckConfiguredCertificate(o.Tls, t))
        {
            yield return problem;
        }
    }

    private static IEnumerable<string> CheckConfiguredCertificate(BrokerTlsOptions tls, string t)
    {
        var hasCertificate = !string.IsNullOrWhiteSpace(tls.CertificateFile);
        if (!hasCertificate)
        {
            if (!string.IsNullOrWhiteSpace(tls.KeyFile))
            {
                yield return $"{t}:KeyFile is set without {t}:CertificateFile";
            }

            yield break;
        }

        if (!tls.IsPkcs12 && string.IsNullOrWhiteSpace(tls.KeyFile))
        {
            yield return $"{t}:KeyFile must be set with a PEM {t}:CertificateFile (or use a .pfx/.p12 file)";
            yield break;
        }

        string? problem = null;
        try
        {
            using var _ = BrokerCertificates.LoadConfigured(tls);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException or ArgumentException)
        {
            problem = ex.Message;
        }

        if (problem is not null)
        {
            yield return tls.IsPkcs12
                ? $"{t}:CertificateFile '{tls.CertificateFile}' cannot be loaded as PKCS#12 with its key ({t}:CertificatePassword): {problem}"
                : $"{t}:CertificateFile/{t}:KeyFile cannot be loaded as a PEM certificate and its key: {problem}";
        }
    }
}
