using Iot.Provisioning.Alerts;

namespace Iot.Cloud.Bridge.Broker.Tls;

/// <summary>The embedded broker's TLS certificate for the certificate-expiry alert; nothing when TLS is off.</summary>
internal sealed class BrokerCertificateExpiry(EmbeddedBroker broker) : ICertificateExpirySource
{
    /// <summary>The alert's subject: one certificate per platform, whichever bridge evaluates.</summary>
    public const string Name = "broker-tls";

    public IReadOnlyList<WatchedCertificate> Certificates() => broker.TlsCertificate is { } c ? [c] : [];
}
