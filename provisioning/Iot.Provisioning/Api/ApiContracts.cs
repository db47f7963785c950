using Iot.Provisioning.Storage;

namespace Iot.Provisioning.Api;

// Bodies and answers of the operator API (JSON, web naming). Device configuration documents travel in the protocol's
// own JSON (Iot.Protocol ProtocolJson), exactly as the device receives them.

public sealed record ApproveBody(string? BranchId = null, string? DeviceId = null);

public sealed record RejectBody(string Reason);

public sealed record RotateBody(int TimeoutSeconds = 60);

public sealed record CommandBody(string Name, IReadOnlyDictionary<string, string>? Args = null, int TimeoutSeconds = 60);

public sealed record CommandIssued(Guid CommandId);

public sealed record ClaimBody(string? BranchId = null, int? MaxUses = null, DateTimeOffset? ExpiresAt = null);

public sealed record CallerInfo(string Caller, string? Tenant, IReadOnlyList<string>? Branches, string Actor);

/// <summary>A device as the API shows it: never its secret hashes, only whether they are set.</summary>
public sealed record DeviceView(
    string DeviceId, string TenantId, string? BranchId, string? Serial, string? HardwareId, string? Model, string? AgentVersion,
    bool Enabled, bool HasSecret, bool RotationPending, DateTime? ProvisionedAt, DateTime? RevokedAt, DateTime? LastSeenAt)
{
    public bool IsRevoked => RevokedAt is not null;

    public static DeviceView From(DeviceRow d) => new(
        d.DeviceId, d.TenantId, d.BranchId, d.Serial, d.HardwareId, d.Model, d.AgentVersion, d.Enabled, d.SecretHash is not null,
        d.PendingSecretHash is not null, d.ProvisionedAt, d.RevokedAt, d.LastSeenAt);
}

/// <summary>A pending request without its nonce and recovery key hash (what proves the device is not the operator's business).</summary>
public sealed record PendingView(Guid RequestId, string Serial, string? TenantId, string? BranchId, string HardwareId, string Model, string AgentVersion, string? DeviceId, DateTime ReceivedAt, string? Reason)
{
    public static PendingView From(RequestRow r) => new(r.RequestId, r.Serial, r.TenantId, r.BranchId, r.HardwareId, r.Model, r.AgentVersion, r.DeviceId, r.ReceivedAt, r.Reason);
}

/// <summary>Audit actions the operator API writes to <c>audit_log</c>, whoever called it.</summary>
public static class OperatorAuditActions
{
    public const string DeviceApproved = "device-approved";
    public const string DeviceRejected = "device-rejected";
    public const string DevicesPreregistered = "devices-preregistered";
    public const string DeviceConfigPushed = "device-config-pushed";
    public const string DeviceCommandSent = "device-command-sent";
    public const string DeviceRevoked = "device-revoked";
    public const string DeviceRotationStarted = "device-rotation-started";
    public const string ClaimCreated = "claim-created";
}
