using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Iot.Cloud.Bridge.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Iot.Cloud.Bridge.Broker.Tls;

/// <summary>The TLS listener's certificate: the configured one when <c>Broker:Tls:CertificateFile</c> is set, else the generated one.</summary>
public sealed class BrokerCertificates(IOptions<BrokerOptions> broker, IOptions<StorageOptions> storage, TimeProvider time, ILogger<BrokerCertificates> logger)
{
    /// <summary>Where the generated CA and server certificate live.</summary>
    public string Directory => string.IsNullOrWhiteSpace(broker.Value.Tls.Directory)
        ? Path.Combine(Path.GetFullPath(storage.Value.Root), "tls")
        : Path.GetFullPath(broker.Value.Tls.Directory);

    /// <summary>The CA devices pin (<c>iotctl claims create --ca</c>) when the bridge made its own.</summary>
    public string GeneratedCaFile => Path.Combine(Directory, GeneratedCertificateStore.CaCertificateFile);

    public bool UsesConfiguredCertificate => !string.IsNullOrWhiteSpace(broker.Value.Tls.CertificateFile);

    public async Task<X509Certificate2> LoadAsync(BrokerListeners listeners, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(listeners);
        if (UsesConfiguredCertificate)
        {
            return LoadConfigured(broker.Value.Tls);
        }

        var store = new GeneratedCertificateStore(Directory, time, logger);
        return await store.LoadOrCreateAsync(ServerNames.For(broker.Value.Tls.HostNames, listeners.TlsAddress!), ct).ConfigureAwait(false);
    }

    /// <summary>PEM pair or PKCS#12; throws when unreadable or without a private key (the validator turns that into a start-up error).</summary>
    public static X509Certificate2 LoadConfigured(BrokerTlsOptions tls)
    {
        ArgumentNullException.ThrowIfNull(tls);
        if (!tls.IsPkcs12)
        {
            return Iot.Mqtt.PemCertificate.LoadWithKey(tls.CertificateFile!, tls.KeyFile!);
        }

        var certificate = X509CertificateLoader.LoadPkcs12FromFile(tls.CertificateFile!, tls.CertificatePassword);
        if (!certificate.HasPrivateKey)
        {
            certificate.Dispose();
            throw new CryptographicException($"{tls.CertificateFile} holds no private key");
        }

        return certificate;
    }
}
