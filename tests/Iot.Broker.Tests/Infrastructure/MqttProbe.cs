using System.Collections.Concurrent;
using MQTTnet;
using MQTTnet.Exceptions;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace Iot.Broker.Tests.Infrastructure;

/// <summary>An MQTT 5 client for probing a broker's ACLs; it records everything it receives.</summary>
public sealed class MqttProbe : IAsyncDisposable
{
    private readonly IMqttClient _client = new MqttClientFactory().CreateMqttClient();
    private readonly TaskCompletionSource _disconnected = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private MqttProbe()
    {
        _client.ApplicationMessageReceivedAsync += e =>
        {
            Received.Add((e.ApplicationMessage.Topic, e.ApplicationMessage.ConvertPayloadToString()));
            return Task.CompletedTask;
        };
        _client.DisconnectedAsync += _ =>
        {
            _disconnected.TrySetResult();
            return Task.CompletedTask;
        };
    }

    public ConcurrentBag<(string Topic, string Payload)> Received { get; } = [];

    /// <summary>Also copies everything received from now on into <paramref name="into"/> (several accounts as one watcher).</summary>
    public void Mirror(ConcurrentBag<(string Topic, string Payload)> into) =>
        _client.ApplicationMessageReceivedAsync += e =>
        {
            into.Add((e.ApplicationMessage.Topic, e.ApplicationMessage.ConvertPayloadToString()));
            return Task.CompletedTask;
        };

    public bool IsConnected => _client.IsConnected;

    public Task Disconnected => _disconnected.Task;

    /// <summary>Connects; returns the probe and the CONNACK reason (the probe is null unless accepted).</summary>
    public static async Task<(MqttProbe? Probe, MqttClientConnectResultCode Code)> ConnectAsync(int port, string? username, string? password, string clientId)
    {
        var probe = new MqttProbe();
        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer("127.0.0.1", port)
            .WithClientId(clientId)
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithCleanStart(true)
            .WithTimeout(TimeSpan.FromSeconds(10));
        if (username is not null)
        {
            builder = builder.WithCredentials(username, password);
        }

        MqttClientConnectResultCode code;
        try
        {
            code = (await probe._client.ConnectAsync(builder.Build())).ResultCode;
        }
        catch (MQTTnet.Adapter.MqttConnectingFailedException ex)
        {
            code = MqttClientConnectResultCode.UnspecifiedError;
            Console.WriteLine($"connect {username}/{clientId} failed: {ex.Message}");
        }

        if (code == MqttClientConnectResultCode.Success)
        {
            return (probe, code);
        }

        await probe.DisposeAsync();
        return (null, code);
    }

    public static async Task<MqttProbe> ConnectOrFailAsync(int port, string username, string password, string clientId)
    {
        var (probe, code) = await ConnectAsync(port, username, password, clientId);
        return probe ?? throw new InvalidOperationException($"{username} ({clientId}) was refused: {code}");
    }

    public async Task<MqttClientPublishReasonCode> PublishAsync(string topic, string payload)
    {
        var result = await _client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
        return result.ReasonCode;
    }

    public async Task<MqttClientSubscribeResultCode> SubscribeAsync(string filter)
    {
        var result = await _client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(filter, MqttQualityOfServiceLevel.AtLeastOnce).Build());
        return result.Items.Single().ResultCode;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_client.IsConnected)
            {
                await _client.DisconnectAsync();
            }
        }
        catch (MqttCommunicationException)
        {
        }

        _client.Dispose();
    }
}
