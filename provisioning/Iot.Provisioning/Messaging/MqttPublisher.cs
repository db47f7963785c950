using Iot.Provisioning.Admin;
using MQTTnet;
using MQTTnet.Protocol;

namespace Iot.Provisioning.Messaging;

/// <summary>
/// A publish-only MQTT session for processes that push config and commands but handle no device traffic (the
/// dashboard): connects on first use, reconnects when the broker dropped it, and reports refusals as
/// <see cref="ProvisioningException"/> so callers show them like any other refused operator action.
/// </summary>
public sealed class MqttPublisher(string host, int port, string username, string? password, string clientIdPrefix) : IMessagePublisher, IAsyncDisposable
{
    private readonly IMqttClient _client = new MqttClientFactory().CreateMqttClient();
    private readonly SemaphoreSlim _connect = new(1, 1);

    public async Task PublishAsync(string topic, byte[] payload, bool retain, CancellationToken cancellationToken)
    {
        await ConnectAsync(cancellationToken).ConfigureAwait(false);
        if (await RefusalAsync(_client, topic, payload, retain, cancellationToken).ConfigureAwait(false) is { } refusal)
        {
            throw new ProvisioningException(refusal);
        }
    }

    /// <summary>Publishes config/command traffic the one way (QoS 1); null when the broker took it, else why not.</summary>
    public static async Task<string?> RefusalAsync(IMqttClient client, string topic, byte[] payload, bool retain, CancellationToken ct)
    {
        var result = await client.PublishAsync(
            new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload).WithRetainFlag(retain)
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build(),
            ct).ConfigureAwait(false);
        return result.IsSuccess ? null : $"broker refused publish to {topic}: {result.ReasonCode} {result.ReasonString}";
    }

    public async ValueTask DisposeAsync()
    {
        if (_client.IsConnected)
        {
            await _client.DisconnectAsync().ConfigureAwait(false);
        }

        _client.Dispose();
        _connect.Dispose();
    }

    private async Task ConnectAsync(CancellationToken ct)
    {
        if (_client.IsConnected)
        {
            return;
        }

        await _connect.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (_client.IsConnected)
            {
                return;
            }

            var options = new MqttClientOptionsBuilder()
                .WithTcpServer(host, port)
                .WithClientId(clientIdPrefix + "-" + Guid.NewGuid().ToString("n")[..8])
                .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500)
                .WithCleanStart(true)
                .WithKeepAlivePeriod(TimeSpan.FromSeconds(30))
                .WithTimeout(TimeSpan.FromSeconds(10))
                .WithCredentials(username, password)
                .Build();
            MqttClientConnectResult result;
            try
            {
                result = await _client.ConnectAsync(options, ct).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is MQTTnet.Exceptions.MqttCommunicationException or TimeoutException)
            {
                throw new ProvisioningException($"cannot reach broker {host}:{port}: {ex.Message}", ex);
            }

            if (result.ResultCode != MqttClientConnectResultCode.Success)
            {
                throw new ProvisioningException($"broker {host}:{port} refused the connection: {result.ResultCode} {result.ReasonString}");
            }
        }
        finally
        {
            _connect.Release();
        }
    }
}
