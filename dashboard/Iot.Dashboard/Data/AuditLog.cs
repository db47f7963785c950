using System.Data;
using System.Text.Json;
using Dapper;

namespace Iot.Dashboard.Data;

public sealed record AuditEntry(string Action, string? Target, IReadOnlyDictionary<string, string?>? Details = null);

/// <summary>Names of audited actions, so reports and tests agree on them.</summary>
public static class AuditActions
{
    public const string SignIn = "sign-in";
    public const string SignInFailed = "sign-in-failed";
    public const string Export = "export";
    public const string DialogueDeleted = "dialogue-deleted";
    public const string DialogueRestored = "dialogue-restored";
    public const string SettingsChanged = "settings-changed";
    public const string DeviceApproved = "device-approved";
    public const string DeviceRejected = "device-rejected";
    public const string DevicesPreregistered = "devices-preregistered";
    public const string DeviceConfigPushed = "device-config-pushed";
    public const string DeviceCommandSent = "device-command-sent";
    public const string UserCreated = "user-created";
    public const string UserDisabled = "user-disabled";
    public const string UserEnabled = "user-enabled";
    public const string UserChanged = "user-changed";
    public const string UserPasswordReset = "user-password-reset";
    public const string AnalysisReviewed = "analysis-reviewed";
    public const string AnalysisProfileSaved = "analysis-profile-saved";
    public const string ReanalysisRequested = "reanalysis-requested";
}

internal static class AuditLog
{
    public static async Task WriteAsync(IDbConnection c, IDbTransaction? tx, string? tenantId, string actor, AuditEntry entry, CancellationToken ct)
    {
        var details = JsonSerializer.Serialize(entry.Details ?? new Dictionary<string, string?>());
        await c.ExecuteAsync(new CommandDefinition(
            "INSERT INTO audit_log (tenant_id, actor, action, target, details) VALUES (@tenantId, @actor, @Action, @Target, @details::jsonb)",
            new { tenantId, actor, entry.Action, entry.Target, details },
            tx,
            cancellationToken: ct)).ConfigureAwait(false);
    }
}
