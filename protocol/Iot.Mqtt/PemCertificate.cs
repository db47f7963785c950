using System.Security.Cryptography.X509Certificates;

namespace Iot.Mqtt;

/// <summary>Certificate + key from PEM files, for either end of an MQTT-over-TLS link (broker listener, device client).</summary>
public static class PemCertificate
{
    /// <summary>
    /// A PKCS#12 round trip makes the key persistent: SslStream on Windows refuses the ephemeral key a PEM import gives.
    /// </summary>
    public static X509Certificate2 LoadWithKey(string certificatePath, string keyPath)
    {
        using var pem = X509Certificate2.CreateFromPemFile(certificatePath, keyPath);
        return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
    }
}
