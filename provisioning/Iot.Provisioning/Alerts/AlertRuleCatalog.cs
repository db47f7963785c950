namespace Iot.Provisioning.Alerts;

/// <summary>What a rule measures, for the dashboard's threshold editor and the docs.</summary>
public enum AlertScope
{
    /// <summary>One alert per device (subject = device id; branch = the device's).</summary>
    Device,

    /// <summary>One alert per tenant-wide cause (subject = job kind or claim id; no branch).</summary>
    Tenant,

    /// <summary>The platform's own parts (subject = certificate name; no tenant).</summary>
    Platform,
}

/// <summary>
/// One alert rule: id (stable, stored in <c>alerts.rule</c> and <c>alert_rule_settings.rule</c>), the default threshold
/// a tenant may override, its unit, and the severity the alert opens with. A rule fires when the measured value is at
/// or above the threshold.
/// </summary>
public sealed record AlertRule(string Id, AlertScope Scope, string Severity, double DefaultThreshold, string Unit, string Description);

/// <summary>
/// The alert rules and their documented defaults (issue 17 item 1). Tenants override thresholds and switch rules off
/// in <c>alert_rule_settings</c>; anything not overridden uses these values.
/// </summary>
public static class AlertRuleCatalog
{
    public const string Warning = "warning";
    public const string Critical = "critical";

    public const string DeviceOffline = "device-offline";
    public const string MicrophoneMissing = "mic-missing";
    public const string BacklogChunks = "backlog-chunks";
    public const string BacklogMegabytes = "backlog-mb";
    public const string SpoolFreeLow = "spool-free-low";
    public const string CrashLoop = "crash-loop";
    public const string DeadJobs = "dead-jobs";
    public const string PipelineLag = "pipeline-lag";
    public const string RejectedChunks = "rejected-chunks";
    public const string ClaimExpiry = "claim-expiry";
    public const string CertificateExpiry = "certificate-expiry";

    public static readonly IReadOnlyList<AlertRule> All =
    [
        new(DeviceOffline, AlertScope.Device, Critical, 60, "minutes", "Device offline (status offline or silent) for at least this long"),
        new(MicrophoneMissing, AlertScope.Device, Critical, 5, "minutes", "Microphone reported missing for at least this long"),
        new(BacklogChunks, AlertScope.Device, Warning, 500, "chunks", "Unsent chunks waiting in the device's outbox"),
        new(BacklogMegabytes, AlertScope.Device, Warning, 200, "MB", "Unsent audio waiting in the device's outbox"),
        new(SpoolFreeLow, AlertScope.Device, Critical, 10, "% free", "Free space on the spool disk at or below this share"),
        new(CrashLoop, AlertScope.Device, Critical, 3, "restarts/h", "Agent restarts within the last hour"),
        new(DeadJobs, AlertScope.Tenant, Warning, 1, "jobs/24h", "Pipeline jobs dead-lettered in the last 24 hours, per job kind"),
        new(PipelineLag, AlertScope.Tenant, Warning, 30, "minutes", "Oldest transcription or analysis job waiting this long, per job kind"),
        new(RejectedChunks, AlertScope.Device, Warning, 10, "chunks/h", "Chunks the bridge refused from one device within the last hour"),
        new(ClaimExpiry, AlertScope.Tenant, Warning, 7, "days", "A claim with uses left expires within this many days"),
        new(CertificateExpiry, AlertScope.Platform, Critical, 21, "days", "The broker's TLS certificate expires within this many days"),
    ];

    public static AlertRule? Find(string? id) => All.FirstOrDefault(r => r.Id == id);

    /// <summary>The lower of two severities never hides a critical alert: a channel set to critical skips warnings.</summary>
    public static bool Reaches(string alertSeverity, string channelMinSeverity) =>
        channelMinSeverity != Critical || alertSeverity == Critical;
}
