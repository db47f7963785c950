namespace Iot.Provisioning.Messaging;

/// <summary>What the operations API needs from MQTT: the bridge's service session, or the CLI's own client.</summary>
public interface IMessagePublisher
{
    /// <summary>QoS 1; throws <see cref="InvalidOperationException"/> when the broker refuses or is unreachable.</summary>
    Task PublishAsync(string topic, byte[] payload, bool retain, CancellationToken cancellationToken);
}
