using System.Globalization;

namespace Iot.Dashboard.Performance;

/// <summary>
/// Query parameters of <c>/api/performance</c>, <c>/api/trends</c>, <c>/api/trends/heatmap</c> and their pages, as given
/// (strings), validated into a problem-details dictionary keyed by parameter name. <c>from</c>/<c>to</c> are local days
/// (yyyy-MM-dd) in the tenant's time zone, both inclusive, because the roll-ups are cut in whole local days.
/// </summary>
public sealed class PerformanceFilter
{
    public const int MaxDays = 366;
    public const int MaxIdLength = 100;
    public const int DefaultDays = 7;

    public static readonly IReadOnlyList<string> Groupings = ["operator", "branch"];
    public static readonly IReadOnlyList<string> Sorts = ["key", "dialogues", "attemptRate", "acceptanceRate", "averageQuality", "dialoguesChange", "attemptRateChange", "acceptanceRateChange", "averageQualityChange"];
    public static readonly IReadOnlyList<string> Measures = ["dialogues", "attemptRate", "acceptanceRate", "averageQuality", "compliance"];
    public static readonly IReadOnlyList<string> Intervals = ["day", "week"];

    public string? From { get; init; }
    public string? To { get; init; }
    public string? Branch { get; init; }
    public string? Device { get; init; }
    public string? By { get; init; }
    public string? Sort { get; init; }
    public string? Measure { get; init; }
    public string? Interval { get; init; }

    public string EffectiveBy => string.IsNullOrEmpty(By) ? "operator" : By;
    public string EffectiveSort => string.IsNullOrEmpty(Sort) ? "-dialogues" : Sort;
    public string EffectiveMeasure => string.IsNullOrEmpty(Measure) ? "dialogues" : Measure;
    public string EffectiveInterval => string.IsNullOrEmpty(Interval) ? "day" : Interval;
    public string? BranchFilter => string.IsNullOrWhiteSpace(Branch) ? null : Branch;
    public string? DeviceFilter => string.IsNullOrWhiteSpace(Device) ? null : Device;

    public static DateOnly? ParseDay(string? value) =>
        DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) ? day : null;

    /// <summary>The period's local days; missing ends default to the last <see cref="DefaultDays"/> days up to today.</summary>
    public (DateOnly First, DateOnly Last) Period(DateOnly today)
    {
        var to = ParseDay(To);
        var from = ParseDay(From);
        var last = to ?? (from is { } f ? f.AddDays(DefaultDays - 1) : today);
        var first = from ?? last.AddDays(-(DefaultDays - 1));
        return (first, last);
    }

    public Dictionary<string, string[]> Validate()
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        void Check(bool bad, string key, string message)
        {
            if (bad && !errors.ContainsKey(key))
            {
                errors[key] = [message];
            }
        }

        Check(!string.IsNullOrEmpty(From) && ParseDay(From) is null, "from", "from must be a day, yyyy-MM-dd");
        Check(!string.IsNullOrEmpty(To) && ParseDay(To) is null, "to", "to must be a day, yyyy-MM-dd");
        if (ParseDay(From) is { } f && ParseDay(To) is { } t)
        {
            Check(f > t, "from", "from must not be after to");
            Check(t.DayNumber - f.DayNumber + 1 > MaxDays, "to", $"the period must be at most {MaxDays} days");
        }

        Check(Branch?.Length > MaxIdLength, "branch", $"branch must be at most {MaxIdLength} characters");
        Check(Device?.Length > MaxIdLength, "device", $"device must be at most {MaxIdLength} characters");
        Check(!string.IsNullOrEmpty(By) && !Groupings.Contains(By), "by", $"by must be one of {string.Join(", ", Groupings)}");
        Check(!string.IsNullOrEmpty(Sort) && !Sorts.Contains(Sort.TrimStart('-')), "sort", $"sort must be one of {string.Join(", ", Sorts)}, optionally with a leading '-'");
        Check(!string.IsNullOrEmpty(Measure) && !Measures.Contains(Measure), "measure", $"measure must be one of {string.Join(", ", Measures)}");
        Check(!string.IsNullOrEmpty(Interval) && !Intervals.Contains(Interval), "interval", $"interval must be one of {string.Join(", ", Intervals)}");
        return errors;
    }
}
