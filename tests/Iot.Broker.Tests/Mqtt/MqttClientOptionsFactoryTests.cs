using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Iot.Mqtt;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace Iot.Broker.Tests.Mqtt;

/// <summary>The one place MQTT connect options are assembled (issue 18 item 1): what every client of the system asks the broker for.</summary>
public sealed class MqttClientOptionsFactoryTests
{
    private static MqttConnectSettings Plain => new() { Host = "broker.test", Port = 8883, ClientId = "dev-1" };

    [Fact]
    public void Every_client_speaks_mqtt_5_to_the_given_endpoint_and_starts_clean_by_default()
    {
        var options = MqttClientOptionsFactory.Create(Plain);

        Assert.Equal(MqttProtocolVersion.V500, options.ProtocolVersion);
        Assert.Equal("dev-1", options.ClientId);
        var tcp = Assert.IsType<MqttClientTcpOptions>(options.ChannelOptions);
        var endpoint = Assert.IsType<System.Net.DnsEndPoint>(tcp.RemoteEndpoint);
        Assert.Equal(("broker.test", 8883), (endpoint.Host, endpoint.Port));
        Assert.True(options.CleanSession);
        Assert.Equal(0u, options.SessionExpiryInterval);
        Assert.Null(options.Credentials);
        Assert.False(tcp.TlsOptions.UseTls);
        Assert.Null(options.WillTopic);
    }

    [Fact]
    public void Client_sockets_get_buffers_that_hold_whole_chunks_instead_of_mqttnets_8_kb()
    {
        // MQTTnet sets SO_SNDBUF/SO_RCVBUF to this value on connect; its 8 KB default caps the TCP window at 16 KB.
        var tcp = Assert.IsType<MqttClientTcpOptions>(MqttClientOptionsFactory.Create(Plain).ChannelOptions);
        Assert.Equal(MqttClientOptionsFactory.SocketBufferBytes, tcp.BufferSize);
        Assert.True(tcp.BufferSize >= 4 * 64 * 1024, $"{tcp.BufferSize} bytes hold fewer than four 64 KB chunks");
        Assert.True(new MqttClientTcpOptions().BufferSize < tcp.BufferSize, "MQTTnet's default is no longer smaller: drop the override");
    }

    [Fact]
    public void A_kept_session_asks_for_its_expiry_receive_maximum_credentials_and_last_will()
    {
        var will = "{\"state\":\"offline\"}"u8.ToArray();
        var options = MqttClientOptionsFactory.Create(Plain with
        {
            Username = "dev.acme.d1",
            Password = "s3cret",
            CleanStart = false,
            SessionExpirySeconds = 604800,
            KeepAlive = TimeSpan.FromSeconds(42),
            ReceiveMaximum = 64,
            LastWill = new MqttLastWill("iot/acme/d1/status", will, Retain: true),
        });

        Assert.False(options.CleanSession);
        Assert.Equal(604800u, options.SessionExpiryInterval);
        Assert.Equal(TimeSpan.FromSeconds(42), options.KeepAlivePeriod);
        Assert.Equal(64, options.ReceiveMaximum);
        Assert.Equal("dev.acme.d1", options.Credentials.GetUserName(options));
        Assert.Equal("s3cret"u8.ToArray(), options.Credentials.GetPassword(options));
        Assert.Equal("iot/acme/d1/status", options.WillTopic);
        Assert.Equal(will, options.WillPayload);
        Assert.True(options.WillRetain);
        Assert.Equal(MqttQualityOfServiceLevel.AtLeastOnce, options.WillQualityOfServiceLevel);
    }

    [Fact]
    public void Tls_uses_a_modern_protocol_the_configured_server_name_and_only_the_pinned_ca()
    {
        using var ca = Ca("pinned");
        var options = MqttClientOptionsFactory.Create(Plain with
        {
            Tls = new MqttTlsSettings { TrustedCa = [ca], ServerName = "mqtt.acme.example" },
        });

        var tls = Assert.IsType<MqttClientTcpOptions>(options.ChannelOptions).TlsOptions;
        Assert.True(tls.UseTls);
        Assert.Equal("mqtt.acme.example", tls.TargetHost);
        Assert.Equal(System.Security.Authentication.SslProtocols.Tls12 | System.Security.Authentication.SslProtocols.Tls13, tls.SslProtocol);
        Assert.NotNull(tls.CertificateValidationHandler);
    }

    [Fact]
    public void Without_a_server_name_the_certificate_must_name_the_host_connected_to()
    {
        var options = MqttClientOptionsFactory.Create(Plain with { Tls = new MqttTlsSettings() });

        var tls = Assert.IsType<MqttClientTcpOptions>(options.ChannelOptions).TlsOptions;
        Assert.Equal("broker.test", tls.TargetHost);

        // No pinned CA: the operating system's verdict stands, so no handler may loosen it.
        Assert.Null(tls.CertificateValidationHandler);
    }

    [Fact]
    public void A_pinned_ca_accepts_what_it_signed_and_nothing_a_stranger_signed()
    {
        using var pinned = Ca("pinned");
        using var stranger = Ca("stranger");
        using var good = Leaf(pinned, "localhost");
        using var forged = Leaf(stranger, "localhost");
        var settings = new MqttTlsSettings { TrustedCa = [pinned] };

        // The platform reports an untrusted root for both (the private CA is in no store); the pin decides.
        Assert.True(settings.Accepts(good, SslPolicyErrors.RemoteCertificateChainErrors));
        Assert.False(settings.Accepts(forged, SslPolicyErrors.RemoteCertificateChainErrors));
        Assert.False(settings.Accepts(null, SslPolicyErrors.RemoteCertificateNotAvailable));
    }

    [Fact]
    public void A_name_mismatch_is_refused_unless_skipped_and_skipping_never_works_without_a_pin()
    {
        using var pinned = Ca("pinned");
        using var leaf = Leaf(pinned, "other.example");

        Assert.False(new MqttTlsSettings { TrustedCa = [pinned] }.Accepts(leaf, SslPolicyErrors.RemoteCertificateNameMismatch | SslPolicyErrors.RemoteCertificateChainErrors));
        Assert.True(new MqttTlsSettings { TrustedCa = [pinned], SkipHostnameCheck = true }.Accepts(leaf, SslPolicyErrors.RemoteCertificateNameMismatch | SslPolicyErrors.RemoteCertificateChainErrors));
        Assert.False(new MqttTlsSettings { SkipHostnameCheck = true }.Accepts(leaf, SslPolicyErrors.RemoteCertificateNameMismatch));
    }

    [Theory]
    [InlineData("", 1883, "c")]
    [InlineData("h", 0, "c")]
    [InlineData("h", 70000, "c")]
    [InlineData("h", 1883, "")]
    public void Settings_without_a_host_a_valid_port_or_a_client_id_are_refused(string host, int port, string clientId) =>
        Assert.ThrowsAny<ArgumentException>(() => MqttClientOptionsFactory.Create(new MqttConnectSettings { Host = host, Port = port, ClientId = clientId }));

    private static X509Certificate2 Ca(string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name} CA", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
    }

    private static X509Certificate2 Leaf(X509Certificate2 issuer, string dnsName)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={dnsName}", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(dnsName);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        return request.Create(issuer, DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddDays(30), RandomNumberGenerator.GetBytes(8));
    }
}
