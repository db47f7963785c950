namespace Iot.Cloud.Data.Audit;

/// <summary>
/// Names of the actions people take that <c>audit_log</c> records, so every writer, the reports and the tests agree on
/// them (kebab-case; the retention jobs and the operator API write their own system actions such as
/// <c>retention.run</c>).
/// </summary>
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
    public const string ReportSubscribed = "report-subscribed";
    public const string ReportUnsubscribed = "report-unsubscribed";
}
