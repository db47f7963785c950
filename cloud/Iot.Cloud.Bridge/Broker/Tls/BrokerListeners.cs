using System.Net;

namespace Iot.Cloud.Bridge.Broker.Tls;

/// <summary>Which listeners the embedded broker opens, decided from <c>Broker</c> options alone.</summary>
public sealed record BrokerListeners(IPAddress PlainAddress, int PlainPort, IPAddress? TlsAddress, int TlsPort)
{
    /// <summary>Plain MQTT reachable from other machines: only with <c>Broker:AllowPlaintext</c>.</summary>
    public bool PlainOnNetwork => !IPAddress.IsLoopback(PlainAddress);

    public bool HasTls => TlsAddress is not null;

    /// <summary>Options must have passed validation (addresses parse).</summary>
    public static BrokerListeners For(BrokerOptions o)
    {
        var listen = IPAddress.Parse(o.ListenAddress);
        var tlsAddress = IPAddress.Parse(string.IsNullOrWhiteSpace(o.Tls.ListenAddress) ? o.ListenAddress : o.Tls.ListenAddress);
        var configured = !string.IsNullOrWhiteSpace(o.Tls.CertificateFile);

        // A loopback-only broker (the demo, or a bridge behind its own TLS terminator) needs no certificate; anything
        // reachable from the network gets TLS, with a generated certificate when none is configured.
        var tls = o.Tls.Port != 0 && (configured || !IPAddress.IsLoopback(tlsAddress));

        // The bridge's own sessions (ingest, provisioning) connect to 127.0.0.1, so plain MQTT stays there for them.
        var plain = IPAddress.IsLoopback(listen) || o.AllowPlaintext ? listen : IPAddress.Loopback;
        return new BrokerListeners(plain, o.Port, tls ? tlsAddress : null, o.Tls.Port);
    }
}
