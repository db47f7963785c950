using Iot.Protocol.Provisioning;

namespace Iot.Edge.Agent.Provisioning;

/// <summary>Who the uplink connects as, and where. <see cref="ToString"/> leaves the password out so it never reaches a log.</summary>
public sealed record AgentIdentity(string TenantId, string DeviceId, string Host, int Port, string? Username, string? Password, bool FromCredentialsFile)
{
    public string ClientId => MqttIdentities.Device(TenantId, DeviceId);

    public override string ToString() => $"{ClientId}@{Host}:{Port}";
}
