namespace Iot.Protocol.Provisioning;

/// <summary>A device's own broker identity; the cloud keeps only a slow hash of <see cref="Password"/>.</summary>
public sealed record DeviceCredentials(string TenantId, string DeviceId, string? BranchId, string Username, string Password);
