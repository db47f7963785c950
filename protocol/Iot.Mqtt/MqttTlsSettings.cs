using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Iot.Mqtt;

/// <summary>
/// TLS for one MQTT connection. With <see cref="TrustedCa"/> set, that CA replaces the operating system's store instead
/// of adding to it: only the operator's broker is trusted.
/// </summary>
public sealed record MqttTlsSettings
{
    /// <summary>The CA(s) the broker's certificate must chain to; null = the operating system's trust store.</summary>
    public X509Certificate2Collection? TrustedCa { get; init; }

    /// <summary>Name the broker's certificate must carry; null = the host connected to.</summary>
    public string? ServerName { get; init; }

    /// <summary>For brokers that require mutual TLS.</summary>
    public X509Certificate2? ClientCertificate { get; init; }

    /// <summary>Accept a certificate without the expected name, only ever together with a pinned <see cref="TrustedCa"/>.</summary>
    public bool SkipHostnameCheck { get; init; }

    /// <summary>Whether a broker presenting <paramref name="presented"/> (with the platform's verdict <paramref name="errors"/>) is trusted under the pinned CA.</summary>
    public bool Accepts(X509Certificate? presented, SslPolicyErrors errors)
    {
        if (TrustedCa is null)
        {
            return errors == SslPolicyErrors.None;
        }

        // The name check is skipped only under a pinned CA: otherwise any certificate from any public CA would pass.
        var fatal = SslPolicyErrors.RemoteCertificateNotAvailable | (SkipHostnameCheck ? SslPolicyErrors.None : SslPolicyErrors.RemoteCertificateNameMismatch);
        if (presented is null || (errors & fatal) != 0)
        {
            return false;
        }

        using var certificate = new X509Certificate2(presented);
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(TrustedCa);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(certificate);
    }

    public static X509Certificate2Collection LoadCa(string path)
    {
        var collection = new X509Certificate2Collection();
        collection.ImportFromPemFile(path);
        if (collection.Count == 0)
        {
            throw new InvalidDataException($"{path} holds no PEM certificate");
        }

        return collection;
    }

    public static X509Certificate2Collection ParseCa(string pem)
    {
        var collection = new X509Certificate2Collection();
        collection.ImportFromPem(pem);
        if (collection.Count == 0)
        {
            throw new InvalidDataException("no PEM certificate");
        }

        return collection;
    }
}
