namespace Iot.Cloud.Bridge.Broker;

public enum BrokerMode
{
    /// <summary>Run an MQTTnet broker inside the bridge process; the bridge connects to it over loopback.</summary>
    Embedded,

    /// <summary>Connect to Mosquitto, EMQX or another MQTT 5 broker.</summary>
    External,
}

/// <summary>Section <c>Broker</c>.</summary>
public sealed class BrokerOptions
{
    public const string Section = "Broker";

    public BrokerMode Mode { get; set; } = BrokerMode.Embedded;

    /// <summary>External mode: the broker to connect to. Embedded mode: ignored (loopback).</summary>
    public string Host { get; set; } = "127.0.0.1";

    /// <summary>External mode: broker port. Embedded mode: the port the embedded broker listens on.</summary>
    public int Port { get; set; } = 1883;

    /// <summary>
    /// Embedded mode: where devices reach the broker; 0.0.0.0 = every interface of the store/cloud machine. Off loopback
    /// the broker speaks TLS there (<see cref="BrokerTlsOptions.Port"/>) and keeps plain MQTT on loopback for the
    /// bridge's own sessions, unless <see cref="AllowPlaintext"/> says otherwise.
    /// </summary>
    public string ListenAddress { get; set; } = "0.0.0.0";

    /// <summary>
    /// Embedded mode: also serve plain MQTT on a non-loopback <see cref="ListenAddress"/>. Device passwords, claim
    /// secrets and audio then cross the network readable by anyone on it, so it has to be said explicitly.
    /// </summary>
    public bool AllowPlaintext { get; set; }

    public string? Username { get; set; }

    public string? Password { get; set; }

    /// <summary>
    /// External mode: subscribe as <c>$share/{group}/…</c> so several bridges split the chunks. MQTTnet's embedded
    /// server does not implement shared subscriptions, so embedded mode subscribes directly (one bridge per broker).
    /// </summary>
    public string SharedGroup { get; set; } = Iot.Protocol.Topics.TopicTree.DefaultSharedGroup;

    /// <summary>
    /// How long the broker keeps this bridge's session after a crash. Mosquitto keeps dealing a dead member its share
    /// of <c>$share</c> chunks while the session lives, and devices only get those back by re-sending after their ack
    /// timeout, so this stays short; a clean stop unsubscribes first and so leaves the group at once. Chunks in a dropped session are not lost:
    /// the devices still hold them and re-send.
    /// </summary>
    public int SessionExpirySeconds { get; set; } = 60;

    /// <summary>
    /// Embedded mode: every CONNECT must present a device, claim or service credential and is confined by ACLs.
    /// False restores the open broker (anyone, any topic); only for closed demo networks, and it must be said explicitly.
    /// </summary>
    public bool RequireAuthentication { get; set; } = true;

    /// <summary>
    /// Embedded mode: the largest PUBLISH the broker routes; larger ones are refused and the session closed. 0 = derived:
    /// <c>Bridge:MaxPayloadBytes</c> (the largest chunk envelope ingest accepts) plus <see cref="PacketOverheadBytes"/>
    /// for topic and properties. Nothing legitimate is larger, and without a limit one client could make the broker
    /// route (and queue for every subscriber) messages up to MQTT's 256 MiB.
    /// </summary>
    public int MaxPacketBytes { get; set; }

    /// <summary>Topic, properties and fixed header on top of the largest payload.</summary>
    public const int PacketOverheadBytes = 64 * 1024;

    public int EffectiveMaxPacketBytes(int maxPayloadBytes) => MaxPacketBytes != 0 ? MaxPacketBytes : maxPayloadBytes + PacketOverheadBytes;

    /// <summary>Service secrets by name (<c>bridge</c>, <c>provisioning</c>, <c>ops</c>): username <c>svc.{name}</c>.</summary>
    public Dictionary<string, string> ServiceAccounts { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Section <c>Broker:Dynsec</c>: keep Mosquitto's dynamic-security clients and roles in step with PostgreSQL.</summary>
    public Dynsec.DynsecOptions Dynsec { get; set; } = new();

    /// <summary>Section <c>Broker:Tls</c>: the embedded broker's encrypted listener for devices outside the store LAN.</summary>
    public BrokerTlsOptions Tls { get; set; } = new();
}

/// <summary>
/// Embedded mode: the MQTT-over-TLS listener devices use. It runs whenever the broker is reachable off the machine, with
/// the configured certificate or, when none is configured, one the bridge makes itself under its own private CA
/// (<see cref="Directory"/>). A loopback-only broker (the demo) has none unless a certificate is configured.
/// </summary>
public sealed class BrokerTlsOptions
{
    /// <summary>8883 is the MQTT-over-TLS convention; 0 = no TLS listener (needs a loopback broker or <c>Broker:AllowPlaintext</c>).</summary>
    public int Port { get; set; } = 8883;

    /// <summary>
    /// The server certificate: PEM (with its chain, key in <see cref="KeyFile"/>) or PKCS#12 (<c>.pfx</c>/<c>.p12</c>,
    /// password in <see cref="CertificatePassword"/>). Set = used instead of the generated one.
    /// </summary>
    public string? CertificateFile { get; set; }

    public string? KeyFile { get; set; }

    public string? CertificatePassword { get; set; }

    /// <summary>Address of the TLS listener; empty = <c>Broker:ListenAddress</c>.</summary>
    public string? ListenAddress { get; set; }

    /// <summary>
    /// Generated certificate: the names devices use for the broker (DNS names or IP addresses), on top of the machine
    /// name, localhost and the listen addresses. A device checks the name it connects to against these.
    /// </summary>
    public List<string> HostNames { get; set; } = [];

    /// <summary>Generated CA and server certificate live here (0700, files 0600); empty = <c>{Storage:Root}/tls</c>.</summary>
    public string? Directory { get; set; }

    public bool IsPkcs12 => CertificateFile is { } f
        && (f.EndsWith(".pfx", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".p12", StringComparison.OrdinalIgnoreCase));
}
