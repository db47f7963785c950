using Iot.Provisioning.Messaging;

namespace Iot.Dashboard.Provisioning;

/// <summary>
/// The dashboard holds no MQTT session. Approvals, rejections and pre-registrations publish nothing (the device
/// collects its credentials itself); any admin action that would publish fails loudly instead of silently.
/// </summary>
public sealed class NoBrokerPublisher : IMessagePublisher
{
    public Task PublishAsync(string topic, byte[] payload, bool retain, CancellationToken cancellationToken) =>
        throw new InvalidOperationException($"the dashboard has no broker connection; '{topic}' cannot be published from here (use iotctl)");
}
