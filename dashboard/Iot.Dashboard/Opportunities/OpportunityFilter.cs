using Iot.Dashboard.Dialogues;
using Iot.Dashboard.Performance;

namespace Iot.Dashboard.Opportunities;

/// <summary>
/// Query parameters of <c>/api/opportunities/*</c> and the Opportunities page, as given (strings), validated into a
/// problem-details dictionary keyed by parameter name. The period is local days of the tenant's time zone, both
/// inclusive, with <see cref="PerformanceFilter"/>'s rules (defaults, 366-day limit), so a manager moving between
/// Performance and Opportunities keeps the same days.
/// </summary>
public sealed class OpportunityFilter
{
    public const int DefaultPageSize = 25;
    public const int MaxPageSize = 100;
    public const int DefaultLimit = 50;
    public const int MaxLimit = 200;

    /// <summary>Columns the top-items table sorts by (a leading '-' = descending).</summary>
    public static readonly IReadOnlyList<string> ItemSorts = ["item", "category", "offered", "dialogues", "accepted", "declined", "acceptanceRate"];

    public string? From { get; init; }
    public string? To { get; init; }
    public string? Branch { get; init; }
    public string? Device { get; init; }
    public string? Operator { get; init; }

    /// <summary>Lists only: the keyset position a previous page returned.</summary>
    public string? Cursor { get; init; }
    public int? PageSize { get; init; }

    /// <summary>Top items only: one of <see cref="ItemSorts"/>, optionally with a leading '-'.</summary>
    public string? Sort { get; init; }

    /// <summary>Top items only: how many rows.</summary>
    public int? Limit { get; init; }

    public int EffectivePageSize => PageSize ?? DefaultPageSize;
    public int EffectiveLimit => Limit ?? DefaultLimit;
    public string EffectiveSort => string.IsNullOrEmpty(Sort) ? "-offered" : Sort;
    public string? BranchFilter => Blank(Branch);
    public string? DeviceFilter => Blank(Device);
    public string? OperatorFilter => Blank(Operator);

    /// <summary>The period as <see cref="PerformanceFilter"/> computes it (missing ends: the last 7 days to today).</summary>
    public (DateOnly First, DateOnly Last) Period(DateOnly today) => Period().Period(today);

    public Dictionary<string, string[]> Validate()
    {
        var errors = Period().Validate();
        void Check(bool bad, string key, string message)
        {
            if (bad && !errors.ContainsKey(key))
            {
                errors[key] = [message];
            }
        }

        Check(Operator?.Length > PerformanceFilter.MaxIdLength, "operator", $"operator must be at most {PerformanceFilter.MaxIdLength} characters");
        Check(PageSize is < 1 or > MaxPageSize, "pageSize", $"pageSize must be 1..{MaxPageSize}");
        Check(Limit is < 1 or > MaxLimit, "limit", $"limit must be 1..{MaxLimit}");
        Check(Cursor is not null && DialogueCursor.TryParse(Cursor) is not { Sort: "-started" }, "cursor", "cursor is not one this API issued");
        Check(!string.IsNullOrEmpty(Sort) && !ItemSorts.Contains(Sort.TrimStart('-')), "sort", $"sort must be one of {string.Join(", ", ItemSorts)}, optionally with a leading '-'");
        return errors;
    }

    private PerformanceFilter Period() => new() { From = From, To = To, Branch = Branch, Device = Device };

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
