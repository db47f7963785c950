using Iot.Provisioning.Messaging;
using MQTTnet;
using MQTTnet.Protocol;

namespace Iot.Provisioning.Cli;

/// <summary>
/// The CLI's own short MQTT session, opened only by commands that publish or read live state. It logs in as
/// svc.provisioning by default: publishing config and commands is that account's right (svc.ops is read-only).
/// </summary>
internal sealed class CliConnection(string host, int port, string? username, string? password) : IMessagePublisher, IAsyncDisposable
{
    private readonly IMqttClient _client = new MqttClientFactory().CreateMqttClient();

    public IMqttClient Client => _client;

    public async Task ConnectAsync(CancellationToken ct)
    {
        if (_client.IsConnected)
        {
            return;
        }

        var options = Iot.Mqtt.MqttClientOptionsFactory.Create(new Iot.Mqtt.MqttConnectSettings
        {
            Host = host,
            Port = port,
            ClientId = "iotctl-" + Guid.NewGuid().ToString("n")[..8],
            Username = username ?? Iot.Protocol.Provisioning.MqttIdentities.Service("provisioning"),
            Password = password,
        });
        MqttClientConnectResult result;
        try
        {
            result = await _client.ConnectAsync(options, ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is MQTTnet.Exceptions.MqttCommunicationException or TimeoutException or OperationCanceledException)
        {
            throw new CliFailure($"cannot reach broker {host}:{port}: {ex.Message}", ExitCodes.Failed);
        }

        if (result.ResultCode != MqttClientConnectResultCode.Success)
        {
            throw new CliFailure($"broker {host}:{port} refused the connection: {result.ResultCode} {result.ReasonString}", ExitCodes.Failed);
        }
    }

    public async Task PublishAsync(string topic, byte[] payload, bool retain, CancellationToken cancellationToken)
    {
        await ConnectAsync(cancellationToken).ConfigureAwait(false);
        if (await MqttPublisher.RefusalAsync(_client, topic, payload, retain, cancellationToken).ConfigureAwait(false) is { } refusal)
        {
            throw new CliFailure(refusal, ExitCodes.Failed);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_client.IsConnected)
        {
            await _client.DisconnectAsync().ConfigureAwait(false);
        }

        _client.Dispose();
    }
}
