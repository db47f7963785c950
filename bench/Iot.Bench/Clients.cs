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

        // Assembled by the product's factory (its socket buffers among the rest), so the raw broker figure and the bridge
        // are measured with clients like the system's own. MQTTnet's default timeout stays: a saturated run can hold a
        // PUBACK longer than the product's 10 s.
        var options = Iot.Mqtt.MqttClientOptionsFactory.Create(new Iot.Mqtt.MqttConnectSettings
        {
            Host = "127.0.0.1",
            Port = port,
            ClientId = clientId,
            ReceiveMaximum = 1000,
            Timeout = new MqttClientOptions().Timeout,
        });
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
