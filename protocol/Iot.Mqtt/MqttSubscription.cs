using MQTTnet.Protocol;

namespace Iot.Mqtt;

/// <summary>
/// One topic filter a session (re)subscribes after every connect. A refused required filter ends the connection (a
/// session that cannot hear its acks is worse than none); a refused optional one is only reported.
/// </summary>
public sealed record MqttSubscription(string Filter, MqttQualityOfServiceLevel Qos = MqttQualityOfServiceLevel.AtLeastOnce, bool Optional = false)
{
    /// <summary>The lowest grant accepted; null = <see cref="Qos"/> itself (a broker that downgrades QoS 1 to 0 would lose messages).</summary>
    public MqttQualityOfServiceLevel? MinimumGranted { get; init; }

    internal bool IsGranted(MQTTnet.MqttClientSubscribeResultCode code) =>
        (int)code <= (int)MqttQualityOfServiceLevel.ExactlyOnce && (int)code >= (int)(MinimumGranted ?? Qos);
}
