namespace Iot.Edge.Agent.Hosting;

/// <summary>
/// Section <c>Mqtt:Tls</c>. Also on, without this section, when the claim bundle carries the broker's CA; plain MQTT to
/// a broker off this machine needs <c>Mqtt:AllowPlaintext</c>.
/// </summary>
public sealed class MqttTlsOptions
{
    public bool Enabled { get; set; }

    /// <summary>PEM file with the CA(s) that sign the broker's certificate; empty = the operating system's trust store.</summary>
    public string? CaFile { get; set; }

    /// <summary>
    /// Name the broker's certificate must carry when it differs from the host connected to (e.g. connecting by IP).
    /// One name for every <c>Mqtt:Hosts</c> entry: brokers that share it need certificates that carry it.
    /// </summary>
    public string? ServerName { get; set; }

    /// <summary>Client certificate (PEM) for brokers that require mutual TLS; needs <see cref="ClientKeyFile"/>.</summary>
    public string? ClientCertificateFile { get; set; }

    public string? ClientKeyFile { get; set; }

    /// <summary>
    /// Accept a broker certificate whose names do not include the host connected to, as long as the pinned CA
    /// (<see cref="CaFile"/> or the claim bundle's) signed it. Off by default; for brokers reached under a name their
    /// certificate lacks (NAT, a changed IP) until the certificate is re-issued.
    /// </summary>
    public bool SkipHostnameCheck { get; set; }
}
