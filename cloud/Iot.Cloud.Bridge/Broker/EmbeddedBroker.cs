using System.Buffers;
using System.Net;
using Iot.Cloud.Bridge.Broker.Security;
using Iot.Cloud.Bridge.Ingest;
using Iot.Protocol.Provisioning;
using Iot.Provisioning.Messaging;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MQTTnet.Protocol;
using MQTTnet.Server;

namespace Iot.Cloud.Bridge.Broker;

/// <summary>The default broker: MQTTnet's server in the bridge process, so a single binary runs a store or a demo.</summary>
public sealed partial class EmbeddedBroker(
    IOptions<BrokerOptions> options,
    BrokerGatekeeper gatekeeper,
    BrokerAuthenticator authenticator,
    BrokerSecurityMetrics metrics,
    ILogger<EmbeddedBroker> logger,
    IOptions<BridgeOptions> bridge,
    Tls.BrokerCertificates certificates,
    ClaimIdentityCache? claims = null) : IHostedService, IAsyncDisposable, IDeviceSessionControl
{
    private MqttServer? _server;
    private System.Security.Cryptography.X509Certificates.X509Certificate2? _certificate;
    private volatile Iot.Provisioning.Alerts.WatchedCertificate? _tlsCertificate;

    /// <summary>The TLS listener's certificate (read when loaded, so no caller touches a disposed one); null without TLS.</summary>
    public Iot.Provisioning.Alerts.WatchedCertificate? TlsCertificate => _tlsCertificate;

    public bool IsRunning => _server?.IsStarted == true;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        var listeners = Tls.BrokerListeners.For(o);
        var builder = new MqttServerOptionsBuilder()
            .WithDefaultEndpoint()
            .WithDefaultEndpointBoundIPAddress(listeners.PlainAddress)
            .WithDefaultEndpointPort(listeners.PlainPort)
            .WithPersistentSessions()
            // Devices that were offline get their acks when they return; a bounded queue keeps memory in check.
            .WithMaxPendingMessagesPerClient(10_000);
        if (listeners.HasTls)
        {
            _certificate?.Dispose();
            _certificate = await certificates.LoadAsync(listeners, cancellationToken).ConfigureAwait(false);
            _tlsCertificate = new Iot.Provisioning.Alerts.WatchedCertificate(
                Tls.BrokerCertificateExpiry.Name, _certificate.Subject, new DateTimeOffset(_certificate.NotAfter.ToUniversalTime()));
            builder = builder
                .WithEncryptedEndpoint()
                .WithEncryptedEndpointBoundIPAddress(listeners.TlsAddress!)
                .WithEncryptedEndpointPort(listeners.TlsPort)
                .WithEncryptionCertificate(_certificate)
                .WithEncryptionSslProtocol(System.Security.Authentication.SslProtocols.Tls12 | System.Security.Authentication.SslProtocols.Tls13);
        }

        var serverOptions = builder.Build();
        _server?.Dispose();
        _server = new MqttServerFactory().CreateMqttServer(serverOptions);
        _server.ValidatingConnectionAsync += gatekeeper.ValidateConnectionAsync;
        var maxPacket = o.EffectiveMaxPacketBytes(bridge.Value.MaxPayloadBytes);
        // First, before ACLs and routing: MQTTnet 5 has no receive limit of its own, so the packet has been read, but it
        // goes no further (no routing, no queueing per subscriber, no ingest) and the session that sent it is closed.
        _server.InterceptingPublishAsync += e => RefuseOversizedAsync(e, maxPacket);
        _server.InterceptingPublishAsync += gatekeeper.InterceptPublishAsync;
        _server.InterceptingSubscriptionAsync += gatekeeper.InterceptSubscriptionAsync;
        if (claims is not null)
        {
            // Subscribers cannot see who published; provisioning needs the claim credential behind each request.
            _server.InterceptingPublishAsync += e =>
            {
                if (e.ProcessPublish && ProvisioningTopics.TryParseRequest(e.ApplicationMessage.Topic, out _))
                {
                    var payload = e.ApplicationMessage.Payload;
                    claims.Record(e.ApplicationMessage.Topic, e.UserName, payload.IsSingleSegment ? payload.FirstSpan : payload.ToArray());
                }

                return Task.CompletedTask;
            };
        }
        await _server.StartAsync().ConfigureAwait(false);
        LogStarted(listeners.PlainAddress.ToString(), listeners.PlainPort, o.RequireAuthentication);
        LogTransport(listeners);
    }

    private void LogTransport(Tls.BrokerListeners listeners)
    {
        if (listeners.HasTls)
        {
            LogTlsStarted(listeners.TlsAddress!.ToString(), listeners.TlsPort, _certificate!.Subject, _certificate.NotAfter,
                certificates.UsesConfiguredCertificate ? "Broker:Tls:CertificateFile" : certificates.GeneratedCaFile);
        }

        if (listeners.PlainOnNetwork)
        {
            LogPlaintextOnNetwork(listeners.PlainAddress.ToString(), listeners.PlainPort);
        }
        else if (!listeners.HasTls)
        {
            LogLoopbackOnly(listeners.PlainAddress.ToString(), listeners.PlainPort);
        }
    }

    private Task RefuseOversizedAsync(InterceptingPublishEventArgs e, int maxPacket)
    {
        var size = e.ApplicationMessage.Payload.Length + System.Text.Encoding.UTF8.GetByteCount(e.ApplicationMessage.Topic);
        if (string.IsNullOrEmpty(e.ClientId) || size <= maxPacket)
        {
            return Task.CompletedTask;
        }

        e.ProcessPublish = false;
        e.Response.ReasonCode = MqttPubAckReasonCode.QuotaExceeded;
        metrics.OnOversized();
        LogOversized(e.UserName ?? "", e.ClientId, size, maxPacket);
        var clientId = e.ClientId;
        // Disconnecting from inside the interceptor would wait on the very receive loop that is calling it.
        _ = Task.Run(async () =>
        {
            try
            {
                if (_server is { IsStarted: true } server
                    && (await server.GetClientsAsync().ConfigureAwait(false)).FirstOrDefault(c => c.Id == clientId) is { } client)
                {
                    await client.DisconnectAsync(new MqttServerClientDisconnectOptions { ReasonCode = MqttDisconnectReasonCode.PacketTooLarge }).ConfigureAwait(false);
                }
            }
            catch (Exception ex) when (ex is InvalidOperationException or ObjectDisposedException or MQTTnet.Exceptions.MqttCommunicationException)
            {
                LogOversizedDisconnectFailed(clientId, ex.Message);
            }
        });
        return Task.CompletedTask;
    }

    public Task CredentialsChangedAsync(string username, CancellationToken cancellationToken)
    {
        authenticator.Forget(username);
        return Task.CompletedTask;
    }

    public async Task<int> KickAsync(string username, CancellationToken cancellationToken)
    {
        authenticator.Forget(username);
        if (_server is not { IsStarted: true })
        {
            return 0;
        }

        var kicked = 0;
        foreach (var client in await _server.GetClientsAsync().ConfigureAwait(false))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (client.Session.Items[BrokerGatekeeper.PrincipalItem] is MqttPrincipal p && p.Username == username)
            {
                await client.DisconnectAsync(new MqttServerClientDisconnectOptions { ReasonCode = MqttDisconnectReasonCode.NotAuthorized }).ConfigureAwait(false);
                metrics.OnKicked();
                LogKicked(username, client.Id);
                kicked++;
            }
        }

        return kicked;
    }

    /// <summary>Usernames of the devices and claims connected now; services and anonymous clients are not listed.</summary>
    internal async Task<IReadOnlyCollection<string>> ConnectedCredentialsAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (_server is not { IsStarted: true })
        {
            return [];
        }

        return (await _server.GetClientsAsync().ConfigureAwait(false))
            .Select(c => c.Session.Items[BrokerGatekeeper.PrincipalItem] as MqttPrincipal)
            .Where(p => p is { Kind: PrincipalKind.Device or PrincipalKind.Claim })
            .Select(p => p!.Username)
            .Distinct(StringComparer.Ordinal)
            .ToList();
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_server is { IsStarted: true })
        {
            await _server.StopAsync().ConfigureAwait(false);
            LogStopped();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await StopAsync(CancellationToken.None).ConfigureAwait(false);
            _server.Dispose();
            _server = null;
        }

        _certificate?.Dispose();
        _certificate = null;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Embedded MQTT broker listening on {Address}:{Port} (authentication required: {RequireAuthentication})")]
    private partial void LogStarted(string address, int port, bool requireAuthentication);

    [LoggerMessage(Level = LogLevel.Information, Message = "Embedded MQTT broker TLS listener on {Address}:{Port} with {Subject}, valid until {NotAfter:u}; devices trust {Trust}")]
    private partial void LogTlsStarted(string address, int port, string subject, DateTime notAfter, string trust);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Broker:AllowPlaintext=true: plain MQTT on {Address}:{Port}; device passwords, claim secrets and audio cross the network unencrypted")]
    private partial void LogPlaintextOnNetwork(string address, int port);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Plain MQTT on loopback {Address}:{Port} only, no TLS listener: a demo or single-machine set-up. For devices on the network set Broker:ListenAddress to a non-loopback address; TLS (Broker:Tls:Port) is then on by default")]
    private partial void LogLoopbackOnly(string address, int port);

    [LoggerMessage(Level = LogLevel.Information, Message = "Embedded MQTT broker stopped")]
    private partial void LogStopped();

    [LoggerMessage(EventId = 4105, Level = LogLevel.Warning, Message = "PUBLISH of {Size} bytes from {Username} (client {ClientId}) exceeds Broker:MaxPacketBytes {Max}; refused, session closed")]
    private partial void LogOversized(string username, string clientId, long size, int max);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Closing the session of {ClientId} after an oversized PUBLISH failed: {Error}")]
    private partial void LogOversizedDisconnectFailed(string clientId, string error);

    [LoggerMessage(EventId = 4104, Level = LogLevel.Warning, Message = "Disconnected {Username} (client {ClientId}): credential no longer valid")]
    private partial void LogKicked(string username, string clientId);
}
