using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using MQTTnet;

namespace Iot.Security.Tests.Infrastructure;

/// <summary>What the TLS probes need: an address of this machine that is not loopback, foreign PKI, and MQTT attempts.</summary>
public static class TlsProbeKit
{
    /// <summary>
    /// An IPv4 address of this machine off loopback (127.0.0.0/8 all counts as loopback, so 127.0.0.2 would not do).
    /// Every build machine has one; without it these probes cannot say anything, and they fail saying so.
    /// </summary>
    public static IPAddress NetworkAddress() =>
        NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == OperationalStatus.Up && n.NetworkInterfaceType != NetworkInterfaceType.Loopback)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Select(u => u.Address)
            .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a))
        ?? throw new InvalidOperationException("this machine has no non-loopback IPv4 address; the TLS-by-default probes need one");

    /// <summary>Another CA and a server certificate under it for <paramref name="address"/>: what a man in the middle can present.</summary>
    public static (X509Certificate2 Ca, X509Certificate2 Server) ForeignPki(IPAddress address)
    {
        var now = DateTimeOffset.UtcNow;
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=Impostor CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        var ca = caRequest.CreateSelfSigned(now.AddDays(-1), now.AddYears(1));
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=" + address, key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(address);
        san.AddDnsName("localhost");
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var signed = request.Create(ca, now.AddDays(-1), now.AddDays(90), RandomNumberGenerator.GetBytes(12));
        using var withKey = signed.CopyWithPrivateKey(key);
        // A PKCS#12 round trip gives SslStream a key it can use on every platform.
        return (ca, X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null));
    }

    /// <summary>One MQTT CONNECT; <paramref name="trust"/> null = plain TCP, empty = the OS trust store, else only these CAs.</summary>
    public static async Task<(bool Connected, string Outcome)> TryConnectAsync(string host, int port, X509Certificate2Collection? trust, string username, string password)
    {
        using var client = new MqttClientFactory().CreateMqttClient();
        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer(host, port)
            .WithClientId("probe-" + Guid.NewGuid().ToString("N")[..8])
            .WithCredentials(username, password)
            .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500)
            .WithTimeout(TimeSpan.FromSeconds(5));
        if (trust is not null)
        {
            builder = builder.WithTlsOptions(o =>
            {
                o.UseTls().WithTargetHost(host);
                if (trust.Count > 0)
                {
                    o.WithCertificateValidationHandler(e => Pinned(e.Certificate, e.SslPolicyErrors, trust));
                }
            });
        }

        try
        {
            var result = await client.ConnectAsync(builder.Build());
            return (result.ResultCode == MqttClientConnectResultCode.Success, result.ResultCode.ToString());
        }
        catch (Exception ex) when (ex is MQTTnet.Exceptions.MqttCommunicationException or OperationCanceledException or TimeoutException or SocketException or IOException)
        {
            return (false, ex.GetType().Name + ": " + (ex.InnerException?.Message ?? ex.Message));
        }
    }

    public static X509Certificate2Collection LoadCa(string path)
    {
        var collection = new X509Certificate2Collection();
        collection.ImportFromPemFile(path);
        return collection;
    }

    private static bool Pinned(X509Certificate? presented, System.Net.Security.SslPolicyErrors errors, X509Certificate2Collection trust)
    {
        if (presented is null || (errors & System.Net.Security.SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
        {
            return false;
        }

        using var certificate = new X509Certificate2(presented);
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(trust);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(certificate);
    }
}
