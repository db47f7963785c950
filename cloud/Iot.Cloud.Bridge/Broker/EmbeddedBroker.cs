using System.Net;
using Iot.Provisioning.Messaging;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MQTTnet.Server;

namespace Iot.Cloud.Bridge.Broker;

/// <summary>The default broker: MQTTnet's server in the bridge process, so a single binary runs a store or a demo.</summary>
public sealed partial class EmbeddedBroker(IOptions<BrokerOptions> options, ILogger<EmbeddedBroker> logger, ClaimIdentityCache? claims = null)
    : IHostedService, IAsyncDisposable
{
    private MqttServer? _server;

    public bool IsRunning => _server?.IsStarted == true;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        var serverOptions = new MqttServerOptionsBuilder()
            .WithDefaultEndpoint()
            .WithDefaultEndpointBoundIPAddress(IPAddress.Parse(o.ListenAddress))
            .WithDefaultEndpointPort(o.Port)
            .WithPersistentSessions()
            // Devices that were offline get their acks when they return; a bounded queue keeps memory in check.
            .WithMaxPendingMessagesPerClient(10_000)
            .Build();
        _server?.Dispose();
        _server = new MqttServerFactory().CreateMqttServer(serverOptions);
        if (claims is not null)
        {
            // Subscribers cannot see who published; provisioning needs the claim credential behind each request.
            _server.InterceptingPublishAsync += e =>
            {
                claims.Record(e.ApplicationMessage.Topic, e.UserName);
                return Task.CompletedTask;
            };
        }

        await _server.StartAsync().ConfigureAwait(false);
        LogStarted(o.ListenAddress, o.Port);
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
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Embedded MQTT broker listening on {Address}:{Port}")]
    private partial void LogStarted(string address, int port);

    [LoggerMessage(Level = LogLevel.Information, Message = "Embedded MQTT broker stopped")]
    private partial void LogStopped();
}
