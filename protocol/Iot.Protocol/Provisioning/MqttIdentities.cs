namespace Iot.Protocol.Provisioning;

/// <summary>
/// MQTT usernames/client ids, the same on every broker so that ACLs can be derived from them:
/// devices <c>{tenant}.{device}</c>, claim credentials <c>claim.{claimId}</c> connecting as client <c>claim.{serial}</c>,
/// services <c>svc.{name}</c> (svc.bridge, svc.ops).
/// </summary>
public static class MqttIdentities
{
    public const string ClaimPrefix = "claim.";
    public const string ServicePrefix = "svc.";

    public static string Device(string tenantId, string deviceId) => tenantId + "." + deviceId;

    public static string ClaimUser(string claimId) => ClaimPrefix + claimId;

    public static string ClaimClient(string serial) => ClaimPrefix + serial;

    public static string Service(string name) => ServicePrefix + name;
}
