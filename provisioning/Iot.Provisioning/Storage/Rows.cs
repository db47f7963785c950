namespace Iot.Provisioning.Storage;

public sealed class DeviceRow
{
    public string DeviceId { get; init; } = "";
    public string TenantId { get; init; } = "";
    public string? BranchId { get; init; }
    public string? Serial { get; init; }
    public string? HardwareId { get; init; }
    public string? Model { get; init; }
    public string? AgentVersion { get; init; }
    public string? DisplayName { get; init; }
    public bool Enabled { get; init; }
    public string? SecretHash { get; init; }
    public string? PendingSecretHash { get; init; }
    public DateTime? ProvisionedAt { get; init; }
    public DateTime? RevokedAt { get; init; }
    public DateTime? LastSeenAt { get; init; }
    public DateTime CreatedAt { get; init; }

    /// <summary>Hash of the device's recovery key (<see cref="Security.RecoveryKeys"/>); null for agents that sent none.</summary>
    public string? RecoveryKeyHash { get; init; }

    public bool IsRevoked => RevokedAt is not null;
}

public sealed class RequestRow
{
    public Guid RequestId { get; init; }
    public string Serial { get; init; } = "";
    public string HardwareId { get; init; } = "";
    public string Model { get; init; } = "";
    public string AgentVersion { get; init; } = "";
    public string Nonce { get; init; } = "";
    public string? ClaimId { get; init; }
    public string? TenantId { get; init; }
    public string? BranchId { get; init; }
    public string Status { get; init; } = "";
    public string? Reason { get; init; }
    public string? DeviceId { get; init; }
    public DateTime ReceivedAt { get; init; }
    public DateTime? DecidedAt { get; init; }
    public string? DecidedBy { get; init; }
    public string? RecoveryKeyHash { get; init; }
}

public sealed class ClaimRow
{
    public string ClaimId { get; init; } = "";
    public string TenantId { get; init; } = "";
    public string? BranchId { get; init; }
    public int? MaxUses { get; init; }
    public int Uses { get; init; }
    public DateTime? ExpiresAt { get; init; }
    public DateTime? RevokedAt { get; init; }
}

public sealed class PreregistrationRow
{
    public string Serial { get; init; } = "";
    public string TenantId { get; init; } = "";
    public string? BranchId { get; init; }
    public string? DeviceId { get; init; }
    public string? DisplayName { get; init; }
    public DateTime? ConsumedAt { get; init; }
}

public sealed class CommandRow
{
    public Guid CommandId { get; init; }
    public string DeviceId { get; init; } = "";
    public string Name { get; init; } = "";
    public DateTime IssuedAt { get; init; }
    public DateTime? ExpiresAt { get; init; }
    public string Status { get; init; } = "";
    public string? Detail { get; init; }
    public DateTime? CompletedAt { get; init; }
}

public sealed class ConfigRow
{
    public string DeviceId { get; init; } = "";
    public long DesiredVersion { get; init; }
    public string Desired { get; init; } = "";
    public long? ReportedVersion { get; init; }
    public string? ReportedError { get; init; }
}

public sealed class ReprovisionAuditRow
{
    public long AuditId { get; init; }
    public string TenantId { get; init; } = "";
    public string? DeviceId { get; init; }
    public string Serial { get; init; } = "";
    public string HardwareId { get; init; } = "";
    public string Outcome { get; init; } = "";
    public string Proof { get; init; } = "";
    public string? Reason { get; init; }
    public string? ClaimId { get; init; }
    public string? By { get; init; }
    public DateTime At { get; init; }
}

/// <summary>One decision about an already known device, as written to <c>provisioning_audit</c>.</summary>
public sealed record ReprovisionAuditEntry(
    string TenantId, string? BranchId, string? DeviceId, string Serial, string HardwareId, string Outcome, string Proof, string? Reason, string? ClaimId, string? By, DateTimeOffset At);
