using System.Globalization;
using Iot.Protocol.Messages;

namespace Iot.Provisioning.Alerts.Delivery;

/// <summary>The human-readable lines every chat template and the e-mail share, so they all read the same.</summary>
public static class AlertText
{
    /// <summary>"[iot] CRITICAL device-offline: pos-1 (demo)"; resolved and acknowledged events say so first.</summary>
    public static string Subject(AlertEvent e)
    {
        var what = e.Event switch
        {
            "resolved" => "RESOLVED ",
            "acknowledged" => "ACKNOWLEDGED ",
            _ => "",
        };
        var subject = string.IsNullOrEmpty(e.Subject) ? "" : ": " + e.Subject;
        return $"[iot] {what}{e.Severity.ToUpperInvariant()} {e.Rule}{subject} ({e.TenantId ?? "platform"})";
    }

    /// <summary>The lines under the subject: summary, measurement, where, when.</summary>
    public static IReadOnlyList<string> Details(AlertEvent e)
    {
        var lines = new List<string> { e.Summary };
        if (e.Value is { } value)
        {
            var threshold = e.Threshold is { } t ? " (threshold " + Number(t) + ")" : "";
            lines.Add($"Value: {Number(value)} {e.Unit}{threshold}".Replace("  ", " ", StringComparison.Ordinal));
        }

        if (e.TenantId is not null)
        {
            lines.Add("Tenant: " + e.TenantId + (e.BranchId is null ? "" : ", branch " + e.BranchId) + (e.DeviceId is null ? "" : ", device " + e.DeviceId));
        }

        lines.Add($"First seen: {Time(e.FirstSeenUtc)}, last seen: {Time(e.LastSeenUtc)}, occurrences: {e.Occurrences}");
        if (e.ResolvedUtc is { } resolved)
        {
            lines.Add("Resolved: " + Time(resolved));
        }

        if (e.AcknowledgedUtc is { } acknowledged)
        {
            lines.Add("Acknowledged: " + Time(acknowledged) + (e.AcknowledgedBy is null ? "" : " by " + e.AcknowledgedBy));
        }

        lines.Add($"Alert #{e.AlertId.ToString(CultureInfo.InvariantCulture)}");
        return lines;
    }

    private static string Number(double v) => v.ToString("0.##", CultureInfo.InvariantCulture);

    private static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
}
