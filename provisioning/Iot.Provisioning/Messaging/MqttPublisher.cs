using Iot.Mqtt;
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
    private readonly MqttSession _session = new("publisher", TimeProvider.System);
    private readonly MqttConnectSettings _settings = new()
    {
        Host = host,
        Port = port,
        ClientId = clientIdPrefix + "-" + Guid.NewGuid().ToString("n")[..8],
        Username = username,
        Password = password,
        KeepAlive = TimeSpan.FromSeconds(30),
    };

    public async Task PublishAsync(string topic, byte[] payload, bool retain, CancellationToken cancellationToken)
    {
        await ConnectAsync(cancellationToken).ConfigureAwait(false);
        if (await RefusalAsync(_session.Client, topic, payload, retain, cancellationToken).ConfigureAwait(false) is { } refusal)
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
        if (_session.IsConnected)
        {
            await _session.DisconnectAsync("disposed", sessionExpirySeconds: null, CancellationToken.None).ConfigureAwait(false);
        }

        _session.Dispose();
    }

    /// <summary>Connects on first use and after the broker dropped us; concurrent publishers share one attempt.</summary>
    private async Task ConnectAsync(CancellationToken ct)
    {
        var outcome = await _session.EnsureConnectedAsync(_settings, [], ct).ConfigureAwait(false);
        switch (outcome.Status)
        {
            case MqttConnectStatus.Connected:
                return;
            case MqttConnectStatus.Refused:
                throw new ProvisioningException($"broker {host}:{port} refused the connection: {outcome.Reason}");
            default:
                throw new ProvisioningException($"cannot reach broker {host}:{port}: {outcome.Reason}");
        }
    }
}
