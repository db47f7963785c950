using Iot.Protocol.Provisioning;

namespace Iot.Edge.Agent.Provisioning;

/// <summary>
/// Who the uplink connects as, where (<see cref="Brokers"/>, in the order they are tried), and
/// (<see cref="CaCertificate"/>, PEM from the claim bundle) which CA it trusts there. <see cref="ToString"/> leaves the
/// password out so it never reaches a log.
/// </summary>
public sealed record AgentIdentity(string TenantId, string DeviceId, Uplink.BrokerEndpoints Brokers, string? Username, string? Password, bool FromCredentialsFile, string? CaCertificate = null)
{
    public string ClientId => MqttIdentities.Device(TenantId, DeviceId);

    public override string ToString() => $"{ClientId}@{Brokers}";
}
