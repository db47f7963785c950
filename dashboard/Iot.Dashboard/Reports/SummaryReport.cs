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

/// <summary>One line of the per-branch or per-operator table; <see cref="Key"/> null = dialogues without a branch (operator).</summary>
public sealed record SummaryRow(string? Key, string Name, SummaryFigures Figures)
{
    public string Label(ReportLanguage t, bool branch) => Key is not null ? Name : branch ? t["Report.NoBranch"] : t["Report.NoOperator"];
}

/// <summary>
/// Whose dialogues a summary covers: one branch (<see cref="Branch"/>, with its name), else the caller's branches by name
/// (<see cref="Branches"/>; null = all of the tenant's), and optionally one operator. Kept as data, not text, so each
/// reader gets it in their own language.
/// </summary>
public sealed record SummaryScope(string? Branch, string? BranchName, IReadOnlyList<string>? Branches, string? Operator)
{
    public string Text(ReportLanguage t)
    {
        var parts = new List<string>
        {
            Branch is not null ? t["Report.ScopeBranch", BranchName, Branch]
                : Branches is null ? t["Report.AllBranches"]
                : t["Report.ScopeBranches", string.Join(", ", Branches)],
        };
        if (Operator is not null)
        {
            parts.Add(t["Report.ScopeOperator", Operator]);
        }

        return string.Join(" · ", parts);
    }
}

public sealed record ReportSummary(
    string TenantName,
    string TimeZone,
    SummaryRequest Request,
    SummaryScope Scope,
    DateTimeOffset GeneratedAt,
    SummaryFigures Total,
    IReadOnlyList<SummaryRow> Branches,
    IReadOnlyList<SummaryRow> Operators)
{
    public string PeriodText(ReportLanguage t) => $"{t.Date(Request.From)} – {t.Date(Request.To)}";

    /// <summary>A file name without the caller's free text (branch/operator ids may hold anything), the same in every language.</summary>
    public string FileName(string extension) =>
        $"summary-{Request.From.ToString("yyyyMMdd", CultureInfo.InvariantCulture)}-{Request.To.ToString("yyyyMMdd", CultureInfo.InvariantCulture)}.{extension}";
}

/// <summary>What every language prints for "no data" (<see cref="ReportLanguage"/> formats the figures).</summary>
public static class SummaryFormat
{
    public const string None = "—";
}
