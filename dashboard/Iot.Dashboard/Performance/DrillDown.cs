using System.Globalization;
using Iot.Dashboard.Settings;

namespace Iot.Dashboard.Performance;

/// <summary>
/// Links from a Performance figure to the dialogue list showing the dialogues behind it, with the list's own query
/// parameters: the period as local midnights with their offset (from inclusive, to exclusive), the row's operator or
/// branch, the page's branch/device filters, and what the figure counts (upsell attempts, accepted offers, a missed
/// checklist item; flagged analyses are not in any rate, so those links add <c>flagged=false</c>).
/// </summary>
public sealed class DrillDown(PerformanceReport report)
{
    private readonly TimeZoneInfo _zone = TenantTime.Zone(report.TimeZone);

    public string Dialogues(PerformanceRow row, bool previous = false) => Link(row, previous);

    public string Attempts(PerformanceRow row) => Link(row, false, ("flagged", "false"), ("upsell", "true"));

    public string Accepted(PerformanceRow row) => Link(row, false, ("flagged", "false"), ("upsell", "true"), ("reaction", "accepted"));

    public string Quality(PerformanceRow row) => Link(row, false, ("flagged", "false"), ("sort", "-quality"));

    public string Missed(PerformanceRow row, string item) => Link(row, false, ("flagged", "false"), ("checklistMissed", item));

    /// <summary>Null for a row without an operator or branch: the list has no "is empty" filter, so no link.</summary>
    public bool CanLink(PerformanceRow row) => row.Key is not null || ReferenceEquals(row, report.Total);

    private string Link(PerformanceRow row, bool previous, params (string Name, string Value)[] extra)
    {
        var (first, last) = previous ? (report.PreviousFrom, report.PreviousTo) : (report.From, report.To);
        var query = new List<(string, string)> { ("from", Midnight(first)), ("to", Midnight(last.AddDays(1))) };
        var branch = report.By == "branch" && !ReferenceEquals(row, report.Total) ? row.Key : report.Branch;
        if (branch is not null)
        {
            query.Add(("branch", branch));
        }

        if (report.Device is not null)
        {
            query.Add(("device", report.Device));
        }

        if (report.By == "operator" && !ReferenceEquals(row, report.Total) && row.Key is not null)
        {
            query.Add(("operator", row.Key));
        }

        query.AddRange(extra);
        return "/dialogues?" + string.Join('&', query.Select(q => Uri.EscapeDataString(q.Item1) + "=" + Uri.EscapeDataString(q.Item2)));
    }

    private string Midnight(DateOnly day)
    {
        var local = day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        return new DateTimeOffset(local, _zone.GetUtcOffset(local)).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);
    }
}
