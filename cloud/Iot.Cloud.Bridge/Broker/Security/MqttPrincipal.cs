using Iot.Protocol.Provisioning;

namespace Iot.Cloud.Bridge.Broker.Security;

public enum PrincipalKind
{
    Device,
    Claim,
    Service,

    /// <summary>Only when <c>Broker:RequireAuthentication</c> is false: the open demo behaviour.</summary>
    Anonymous,
}

/// <summary>Who a connection is, as derived from its MQTT username and client id; ACLs are computed from this alone.</summary>
public sealed record MqttPrincipal(PrincipalKind Kind, string Username, string TenantId = "", string DeviceId = "", string ClaimId = "", string Serial = "", string ServiceName = "")
{
    public static MqttPrincipal Device(string tenantId, string deviceId) =>
        new(PrincipalKind.Device, MqttIdentities.Device(tenantId, deviceId), TenantId: tenantId, DeviceId: deviceId);

    public static MqttPrincipal Claim(string claimId, string serial) =>
        new(PrincipalKind.Claim, MqttIdentities.ClaimUser(claimId), ClaimId: claimId, Serial: serial);

    public static MqttPrincipal Service(string name) => new(PrincipalKind.Service, MqttIdentities.Service(name), ServiceName: name);

    public static readonly MqttPrincipal Anonymous = new(PrincipalKind.Anonymous, "");
}
