using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Iot.Cloud.Bridge.Broker.Tls;

/// <summary>Makes the bridge's private CA and the broker's server certificate (ECDSA P-256, SHA-256).</summary>
internal static class CertificateIssuer
{
    /// <summary>Devices pin the CA, and replacing it means a new claim bundle for every device, so it outlives the hardware.</summary>
    public static readonly TimeSpan CaLifetime = TimeSpan.FromDays(20 * 365);

    /// <summary>Re-issued under the same CA at a start-up within <see cref="RenewBefore"/> of expiry; devices never notice.</summary>
    public static readonly TimeSpan ServerLifetime = TimeSpan.FromDays(2 * 365);

    public static readonly TimeSpan RenewBefore = TimeSpan.FromDays(60);

    // Clocks of devices that just booted may lag a little; a certificate "not yet valid" would lock them out.
    private static readonly TimeSpan Backdate = TimeSpan.FromHours(1);

    private static readonly Oid ServerAuth = new("1.3.6.1.5.5.7.3.1");

    public static X509Certificate2 CreateCa(string subject, DateTimeOffset now)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(new X500DistinguishedName(subject), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: true, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, critical: true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        return request.CreateSelfSigned(now - Backdate, now + CaLifetime);
    }

    public static X509Certificate2 CreateServer(X509Certificate2 ca, ServerNames names, DateTimeOffset now)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(new X500DistinguishedName("CN=" + names.DnsNames.FirstOrDefault(n => n != "localhost", "localhost")), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([ServerAuth], critical: false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, includeKeyIdentifier: true, includeIssuerAndSerial: false));
        var san = new SubjectAlternativeNameBuilder();
        foreach (var dns in names.DnsNames)
        {
            san.AddDnsName(dns);
        }

        foreach (var address in names.Addresses)
        {
            san.AddIpAddress(address);
        }

        request.CertificateExtensions.Add(san.Build());
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        var notAfter = now + ServerLifetime;
        using var signed = request.Create(ca, now - Backdate, notAfter < ca.NotAfter ? notAfter : new DateTimeOffset(ca.NotAfter.ToUniversalTime()), serial);
        return signed.CopyWithPrivateKey(key);
    }

    public static string KeyPem(X509Certificate2 certificate) =>
        (certificate.GetECDsaPrivateKey() ?? throw new CryptographicException("certificate has no ECDSA private key")).ExportPkcs8PrivateKeyPem();

    /// <summary>Only a chain that ends at this CA counts: the leaf must be signed by it, not merely name it as issuer.</summary>
    public static bool IsIssuedBy(X509Certificate2 leaf, X509Certificate2 ca, DateTimeOffset now)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationTime = now.UtcDateTime;
        chain.ChainPolicy.VerificationTimeIgnored = false;
        return chain.Build(leaf) && chain.ChainElements[^1].Certificate.RawDataMemory.Span.SequenceEqual(ca.RawDataMemory.Span);
    }
}
