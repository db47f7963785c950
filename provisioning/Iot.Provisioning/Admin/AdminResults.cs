using Iot.Protocol.Messages;

namespace Iot.Provisioning.Admin;

public sealed record ClaimToken(string ClaimId, string Username, string Secret, string TenantId, string? BranchId, int? MaxUses, DateTimeOffset? ExpiresAt);

public sealed record PreregistrationResult(int Imported, IReadOnlyList<string> Errors)
{
    public bool Succeeded => Errors.Count == 0;
}

public sealed record DeviceConfigState(DeviceConfigDocument? Desired, long? ReportedVersion, string? ReportedError);
