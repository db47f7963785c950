using System.Globalization;

namespace Iot.Dashboard.Reports;

/// <summary>
/// What a summary covers: local days <see cref="From"/>..<see cref="To"/> (both inclusive, tenant time zone) of the
/// whole visible tenant, or of one branch, or of one operator (within the caller's branches).
/// </summary>
public sealed record SummaryRequest(DateOnly From, DateOnly To, string? Branch, string? Operator)
{
    /// <summary>A year and a day: a leap year fits, and the query stays bounded.</summary>
    public const int MaxDays = 366;

    public const int MaxIdLength = 100;

    /// <summary>Problems keyed by parameter name; empty when the request is usable.</summary>
    public static Dictionary<string, string[]> Validate(DateOnly? from, DateOnly? to, string? branch, string? op)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (from is null)
        {
            errors["from"] = ["from is required (a date, yyyy-MM-dd)"];
        }

        if (to is null)
        {
            errors["to"] = ["to is required (a date, yyyy-MM-dd; the last day of the period, inclusive)"];
        }

        if (from > to)
        {
            errors["from"] = ["from must not be after to"];
        }
        else if (from is { } f && to is { } t && t.DayNumber - f.DayNumber + 1 > MaxDays)
        {
            errors["to"] = [$"the period must be at most {MaxDays} days"];
        }

        if (branch?.Length is 0 or > MaxIdLength)
        {
            errors["branch"] = [$"branch must be 1..{MaxIdLength} characters"];
        }

        if (op?.Length is 0 or > MaxIdLength)
        {
            errors["operator"] = [$"operator must be 1..{MaxIdLength} characters"];
        }

        return errors;
    }
}

/// <summary>Counts over analysed dialogues; the rates are derived so the PDF, the XLSX and the tests agree.</summary>
public sealed record SummaryFigures(int Dialogues, int Analysed, int UpsellAttempts, int Accepted, long QualitySum, long ChecklistMet, long ChecklistItems)
{
    /// <summary>Upsell attempts per analysed dialogue.</summary>
    public double? UpsellRate => Analysed == 0 ? null : (double)UpsellAttempts / Analysed;

    /// <summary>Accepted offers per upsell attempt.</summary>
    public double? AcceptanceRate => UpsellAttempts == 0 ? null : (double)Accepted / UpsellAttempts;

    public double? AverageQuality => Analysed == 0 ? null : (double)QualitySum / Analysed;

    /// <summary>Checklist items met per checklist item checked.</summary>
    public double? ChecklistCompliance => ChecklistItems == 0 ? null : (double)ChecklistMet / ChecklistItems;
}

/// <summary>One line of the per-branch or per-operator table.</summary>
public sealed record SummaryRow(string? Key, string Name, SummaryFigures Figures);

public sealed record ReportSummary(
    string TenantName,
    string TimeZone,
    SummaryRequest Request,
    string ScopeText,
    DateTimeOffset GeneratedAt,
    SummaryFigures Total,
    IReadOnlyList<SummaryRow> Branches,
    IReadOnlyList<SummaryRow> Operators)
{
    public string PeriodText => $"{Request.From.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)} – {Request.To.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}";

    /// <summary>A file name without the caller's free text (branch/operator ids may hold anything).</summary>
    public string FileName(string extension) =>
        $"summary-{Request.From.ToString("yyyyMMdd", CultureInfo.InvariantCulture)}-{Request.To.ToString("yyyyMMdd", CultureInfo.InvariantCulture)}.{extension}";
}

/// <summary>How figures read in the PDF and the mail: one decimal, invariant culture, a dash for "no data".</summary>
public static class SummaryFormat
{
    public const string None = "—";

    public static string Percent(double? share) => share is { } v ? (v * 100).ToString("0.0", CultureInfo.InvariantCulture) + " %" : None;

    public static string Quality(double? value) => value is { } v ? v.ToString("0.0", CultureInfo.InvariantCulture) : None;

    public static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
