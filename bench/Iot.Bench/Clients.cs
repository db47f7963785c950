using MQTTnet;
using MQTTnet.Protocol;

namespace Iot.Bench;

internal static class Clients
{
    public static async Task<IMqttClient> ConnectAsync(int port, string clientId, Func<MqttApplicationMessageReceivedEventArgs, Task>? onMessage = null, params string[] subscriptions)
    {
        var client = new MqttClientFactory().CreateMqttClient();
        if (onMessage is not null)
        {
            client.ApplicationMessageReceivedAsync += onMessage;
        }

        // The product's socket buffers (see MqttClientOptionsFactory.SocketBufferBytes), so the raw broker figure and the
        // bridge are measured with the same clients.
        var options = new MqttClientOptionsBuilder()
            .WithTcpServer("127.0.0.1", port)
            .WithClientId(clientId)
            .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500)
            .WithReceiveMaximum(1000)
            .Build();
        ((MqttClientTcpOptions)options.ChannelOptions).BufferSize = Iot.Mqtt.MqttClientOptionsFactory.SocketBufferBytes;
        var result = await client.ConnectAsync(options);
        if (result.ResultCode != MqttClientConnectResultCode.Success)
        {
            throw new InvalidOperationException($"{clientId}: connect refused {result.ResultCode}");
        }

        foreach (var topic in subscriptions)
        {
            await client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(topic, MqttQualityOfServiceLevel.AtLeastOnce).Build());
        }

        return client;
    }

    public static MqttApplicationMessage Message(string topic, byte[] payload) =>
        new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build();
}
