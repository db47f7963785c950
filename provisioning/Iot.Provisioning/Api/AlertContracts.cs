namespace Iot.Provisioning.Api;

// The answer of the operator API's alert route (/v1/alerts). The rows are written by the alert evaluator
// (Iot.Provisioning.Alerts); acknowledging belongs to the dashboard.

/// <summary>
/// One alert as an operator sees it. <paramref name="TenantId"/> null = a platform alert (the broker's certificate, the
/// platform's dead jobs), shown only to an operator acting for every tenant. <paramref name="Details"/> is the JSON the
/// evaluator wrote: value, threshold, unit and what the rule adds.
/// </summary>
public sealed record AlertView(
    long AlertId, string? TenantId, string? BranchId, string? DeviceId, string Rule, string Subject, string Severity, string Summary,
    string Details, DateTime FirstSeenAt, DateTime LastSeenAt, int Occurrences, DateTime? ResolvedAt, DateTime? AcknowledgedAt, string? AcknowledgedBy);

/// <summary>Alerts in the caller's scope, newest first: open ones only, or all (<paramref name="State"/>), at most <paramref name="Limit"/>.</summary>
public sealed record AlertsView(IReadOnlyList<AlertView> Alerts, string State, int Limit);
