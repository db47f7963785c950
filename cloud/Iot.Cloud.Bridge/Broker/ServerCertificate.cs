using System.Security.Cryptography.X509Certificates;

namespace Iot.Cloud.Bridge.Broker;

internal static class ServerCertificate
{
    /// <summary>PEM pair → a certificate SslStream can serve on every OS (PEM imports carry ephemeral keys Windows refuses).</summary>
    public static X509Certificate2 Load(string certificatePath, string keyPath)
    {
        using var pem = X509Certificate2.CreateFromPemFile(certificatePath, keyPath);
        return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
    }
}
