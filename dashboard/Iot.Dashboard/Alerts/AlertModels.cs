using System.Text.Json;

namespace Iot.Dashboard.Alerts;

/// <summary>
/// Which alerts a list shows. <c>open</c> = the cause still holds (acknowledged or not); <c>unacknowledged</c> = open
/// and nobody has taken it yet (what the bell counts); <c>acknowledged</c> = open and taken; <c>resolved</c> = over.
/// </summary>
public static class AlertStates
{
    public const string Open = "open";
    public const string Unacknowledged = "unacknowledged";
    public const string Acknowledged = "acknowledged";
    public const string Resolved = "resolved";
    public const string All = "all";

    public static readonly IReadOnlyList<string> Values = [Open, Unacknowledged, Acknowledged, Resolved, All];

    public static string Of(DateTime? resolvedAt, DateTime? acknowledgedAt) =>
        resolvedAt is not null ? Resolved : acknowledgedAt is not null ? Acknowledged : Unacknowledged;
}

/// <summary>One alert as the dashboard shows it; rule text and unit come from the catalog, not the row.</summary>
public sealed record AlertView(
    long AlertId,
    string Rule,
    string? RuleDescription,
    string? Unit,
    string Severity,
    string State,
    string? BranchId,
    string? DeviceId,
    string? DeviceName,
    string Subject,
    string Summary,
    JsonElement Details,
    DateTime FirstSeenAt,
    DateTime LastSeenAt,
    int Occurrences,
    DateTime? ResolvedAt,
    DateTime? AcknowledgedAt,
    string? AcknowledgedBy);

public sealed record AlertPage(IReadOnlyList<AlertView> Items, long? NextBefore);

/// <summary>List filters; every one is optional. <see cref="Before"/> pages by alert id (newest first).</summary>
public sealed record AlertFilter(string State, string? Rule, string? Severity, string? Device, string? Branch, long? Before, int PageSize);

/// <summary>Open alerts of the caller's scope: all, not yet acknowledged, and not yet acknowledged critical ones.</summary>
public sealed record AlertCounts(int Open, int Unacknowledged, int UnacknowledgedCritical);

/// <summary>What the live stream pushes: the counts and the newest open alerts (at most <see cref="AlertStore.SnapshotLimit"/>).</summary>
public sealed record AlertSnapshot(AlertCounts Counts, IReadOnlyList<AlertView> Open);

/// <summary>Outcome of acknowledging: exactly one member says what happened.</summary>
public sealed record AcknowledgeResult(AlertView? Alert = null, bool Changed = false, string? Conflict = null)
{
    public bool NotFound => Alert is null && Conflict is null;
}

/// <summary>A rule with its documented default and the tenant's override.</summary>
public sealed record AlertRuleSettingView(
    string Rule,
    string Scope,
    string Severity,
    string Description,
    string Unit,
    double DefaultThreshold,
    double? Threshold,
    double EffectiveThreshold,
    double MaxThreshold,
    bool Enabled,
    DateTime? UpdatedAt,
    string? UpdatedBy);

/// <summary>One rule's new setting: <c>threshold</c> null = the default; enabled with the default = the override is removed.</summary>
public sealed record AlertRuleChange(string? Rule, double? Threshold, bool? Enabled);

public sealed record AlertRulesChange(IReadOnlyList<AlertRuleChange>? Rules);

/// <summary>
/// A channel as the dashboard lists it. The webhook URL is masked (its host and the end of its path): Slack, Teams and
/// Bitrix put the credential in the URL itself, and a list on a screen is not the place for it. No secret, ever.
/// </summary>
public sealed record AlertChannelView(
    long ChannelId,
    string Kind,
    string Name,
    string? Url,
    string Template,
    IReadOnlyList<string>? Recipients,
    string MinSeverity,
    bool Enabled,
    DateTime CreatedAt,
    string? CreatedBy);

/// <summary>Create (every field as stated) or change (null = keep; kind cannot change) a channel.</summary>
public sealed record AlertChannelRequest(
    string? Kind,
    string? Name,
    string? Url,
    string? Template,
    IReadOnlyList<string>? Recipients,
    string? MinSeverity,
    bool? Enabled);

/// <summary>The answer to creating a channel: the webhook's signing secret is in it, and never anywhere again.</summary>
public sealed record AlertChannelCreated(AlertChannelView Channel, string? Secret);

/// <summary>One row of the delivery log; channel null = the tenant's MQTT alert topic. Read straight from SQL.</summary>
public sealed class AlertDeliveryView
{
    public long DeliveryId { get; init; }
    public long AlertId { get; init; }
    public string AlertRule { get; init; } = "";
    public string AlertSeverity { get; init; } = "";
    public string AlertSummary { get; init; } = "";
    public long? ChannelId { get; init; }
    public string ChannelName { get; init; } = "";
    public string Event { get; init; } = "";
    public string Status { get; init; } = "";
    public int Attempts { get; init; }
    public DateTime CreatedAt { get; init; }
    public DateTime NextAttemptAt { get; init; }
    public DateTime? LastAttemptAt { get; init; }
    public DateTime? DeliveredAt { get; init; }
    public int? ResponseStatus { get; init; }
    public string? LastError { get; init; }
}

public sealed record AlertDeliveryPage(IReadOnlyList<AlertDeliveryView> Items, long? NextBefore);
