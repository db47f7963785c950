using System.Buffers;
using System.Collections.Concurrent;
using Iot.Protocol.Messages;
using Iot.Protocol.Serialization;
using MQTTnet;
using MQTTnet.Protocol;

namespace Iot.Integration.Tests.Infrastructure;

/// <summary>A raw MQTT client that can publish anything and collects every ack the bridge sends.</summary>
public sealed class ProbeClient : IAsyncDisposable
{
    private readonly IMqttClient _client = new MqttClientFactory().CreateMqttClient();

    public ConcurrentQueue<(string Topic, ChunkAck Ack)> Acks { get; } = new();

    public static async Task<ProbeClient> ConnectAsync(int port)
    {
        var probe = new ProbeClient();
        probe._client.ApplicationMessageReceivedAsync += e =>
        {
            var ack = ProtocolJson.TryDeserialize<ChunkAck>(e.ApplicationMessage.Payload.ToArray(), out _);
            if (ack is not null)
            {
                probe.Acks.Enqueue((e.ApplicationMessage.Topic, ack));
            }

            return Task.CompletedTask;
        };
        var result = await probe._client.ConnectAsync(new MqttClientOptionsBuilder()
            .WithTcpServer("127.0.0.1", port)
            .WithClientId("probe-" + Guid.NewGuid().ToString("n")[..8])
            .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500)
            .Build());
        Assert.Equal(MqttClientConnectResultCode.Success, result.ResultCode);
        await probe._client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter("iot/v1/+/+/ack", MqttQualityOfServiceLevel.AtLeastOnce).Build());
        return probe;
    }

    /// <summary>Subscribes <c>#</c>; the returned queue collects the topic of every message the broker delivers from then on.</summary>
    public async Task<ConcurrentQueue<string>> SubscribeEverythingAsync()
    {
        var topics = new ConcurrentQueue<string>();
        _client.ApplicationMessageReceivedAsync += e =>
        {
            topics.Enqueue(e.ApplicationMessage.Topic);
            return Task.CompletedTask;
        };
        await _client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter("#", MqttQualityOfServiceLevel.AtLeastOnce).Build());
        return topics;
    }

    public async Task PublishAsync(string topic, byte[] payload)
    {
        var result = await _client.PublishAsync(new MqttApplicationMessageBuilder()
            .WithTopic(topic)
            .WithPayload(payload)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .Build());
        Assert.True(result.IsSuccess, result.ReasonCode.ToString());
    }

    public async Task<ChunkAck> WaitForAckAsync(Func<string, ChunkAck, bool> match, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        while (DateTime.UtcNow < deadline)
        {
            var hit = Acks.FirstOrDefault(a => match(a.Topic, a.Ack));
            if (hit.Ack is not null)
            {
                return hit.Ack;
            }

            await Task.Delay(20);
        }

        throw new TimeoutException("no matching ack; received: " + string.Join("; ", Acks.Select(a => $"{a.Topic} {a.Ack.Status} {a.Ack.Reason} {a.Ack.ChunkId}")));
    }

    public async ValueTask DisposeAsync()
    {
        if (_client.IsConnected)
        {
            await _client.DisconnectAsync();
        }

        _client.Dispose();
    }
}
