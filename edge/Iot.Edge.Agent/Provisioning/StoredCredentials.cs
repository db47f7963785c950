namespace Iot.Edge.Agent.Provisioning;

/// <summary>
/// The credentials file: the cloud's <see cref="Iot.Protocol.Provisioning.DeviceCredentials"/> plus the broker the claim
/// named and the CA it pinned, so the device's own connection trusts exactly what the claim connection trusted.
/// </summary>
public sealed record StoredCredentials(string TenantId, string DeviceId, string? BranchId, string Username, string Password, string? Broker, string? CaCertificate = null)
{
    // A record prints every member; the password must never reach a log line by accident.
    public override string ToString() => $"{Username} ({TenantId}/{DeviceId}) @ {Broker}";
}
