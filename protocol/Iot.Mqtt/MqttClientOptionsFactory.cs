using System.Security.Authentication;
using MQTTnet;
using MQTTnet.Formatter;

namespace Iot.Mqtt;

/// <summary>
/// The one place MQTTnet's <see cref="MqttClientOptionsBuilder"/> is assembled for the system's clients, so protocol
/// version, TLS floor, CA pinning and session handling cannot drift between them.
/// </summary>
public static class MqttClientOptionsFactory
{
    /// <summary>
    /// Socket send and receive buffer of every client. MQTTnet always sets SO_SNDBUF/SO_RCVBUF to its
    /// <see cref="MqttClientTcpOptions.BufferSize"/> (8 KB by default), which turns off Linux's buffer autotuning and
    /// caps the TCP window at 16 KB: a 64 KB chunk then needs several window round trips and wake-ups on each side.
    /// Profiled in the ingest bench, the bridge's receive of 64 KB chunks spent about a sixth of its CPU in
    /// <c>recv</c>. 1 MiB holds several chunks; the kernel caps it at <c>net.core.rmem_max</c>/<c>wmem_max</c> and only
    /// allocates what is queued.
    /// </summary>
    public const int SocketBufferBytes = 1 << 20;

    public static MqttClientOptions Create(MqttConnectSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentException.ThrowIfNullOrWhiteSpace(settings.Host);
        ArgumentException.ThrowIfNullOrWhiteSpace(settings.ClientId);
        ArgumentOutOfRangeException.ThrowIfLessThan(settings.Port, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(settings.Port, 65535);

        // Every client speaks MQTT 5: reason codes, session expiry and user properties (trace context) need it.
        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer(settings.Host, settings.Port)
            .WithClientId(settings.ClientId)
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithCleanStart(settings.CleanStart)
            .WithKeepAlivePeriod(settings.KeepAlive)
            .WithTimeout(settings.Timeout);
        if (settings.SessionExpirySeconds > 0)
        {
            builder = builder.WithSessionExpiryInterval(settings.SessionExpirySeconds);
        }

        if (settings.ReceiveMaximum is { } receiveMaximum)
        {
            builder = builder.WithReceiveMaximum(receiveMaximum);
        }

        if (!string.IsNullOrEmpty(settings.Username))
        {
            builder = builder.WithCredentials(settings.Username, settings.Password);
        }

        if (settings.LastWill is { } will)
        {
            builder = builder
                .WithWillTopic(will.Topic)
                .WithWillPayload(will.Payload)
                .WithWillRetain(will.Retain)
                .WithWillQualityOfServiceLevel(will.Qos);
        }

        if (settings.Tls is { } tls)
        {
            var host = settings.Host;
            builder = builder.WithTlsOptions(o =>
            {
                o.UseTls()
                    .WithSslProtocols(SslProtocols.Tls12 | SslProtocols.Tls13)
                    .WithTargetHost(string.IsNullOrWhiteSpace(tls.ServerName) ? host : tls.ServerName);
                if (tls.TrustedCa is not null)
                {
                    o.WithCertificateValidationHandler(e => tls.Accepts(e.Certificate, e.SslPolicyErrors));
                }

                if (tls.ClientCertificate is not null)
                {
                    o.WithClientCertificates([tls.ClientCertificate]);
                }
            });
        }

        var options = builder.Build();
        if (options.ChannelOptions is MqttClientTcpOptions tcp)
        {
            tcp.BufferSize = SocketBufferBytes;
        }

        return options;
    }
}
