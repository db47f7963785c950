namespace Iot.Edge.Agent.Hosting;

/// <summary>
/// Section <c>Mqtt:Tls</c>. Off by default because the embedded demo broker listens in plain text on the store
/// network; any broker reached over the internet must have it on.
/// </summary>
public sealed class MqttTlsOptions
{
    public bool Enabled { get; set; }

    /// <summary>PEM file with the CA(s) that sign the broker's certificate; empty = the operating system's trust store.</summary>
    public string? CaFile { get; set; }

    /// <summary>Name the broker's certificate must carry when it differs from <c>Mqtt:Host</c> (e.g. connecting by IP).</summary>
    public string? ServerName { get; set; }

    /// <summary>Client certificate (PEM) for brokers that require mutual TLS; needs <see cref="ClientKeyFile"/>.</summary>
    public string? ClientCertificateFile { get; set; }

    public string? ClientKeyFile { get; set; }
}
