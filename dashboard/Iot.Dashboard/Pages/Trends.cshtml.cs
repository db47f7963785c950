using System.Globalization;
using System.Text.Json;
using Iot.Dashboard.Auth;
using Iot.Dashboard.Performance;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Iot.Dashboard.Pages;

[Authorize(Policy = Policies.ReadPerformance)]
public sealed class TrendsModel(TrendQueries queries) : PageModel
{
    public static readonly IReadOnlyDictionary<string, string> MeasureNames = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["dialogues"] = "Dialogues",
        ["attemptRate"] = "Upsell attempt rate",
        ["acceptanceRate"] = "Acceptance rate",
        ["averageQuality"] = "Average quality",
        ["compliance"] = "Checklist compliance",
    };

    private static readonly string[] WeekdayNames = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

    [BindProperty(SupportsGet = true)] public string? Measure { get; set; }
    [BindProperty(SupportsGet = true)] public string? Interval { get; set; }
    [BindProperty(SupportsGet = true)] public string? From { get; set; }
    [BindProperty(SupportsGet = true)] public string? To { get; set; }
    [BindProperty(SupportsGet = true)] public string? Branch { get; set; }
    [BindProperty(SupportsGet = true)] public string? Device { get; set; }

    public TrendSeries? Series { get; private set; }

    public HeatMap? Heat { get; private set; }

    public Dictionary<string, string[]> Errors { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct)
    {
        var filter = new PerformanceFilter { Measure = Measure, Interval = Interval, From = From, To = To, Branch = Branch, Device = Device };
        Errors = filter.Validate();
        if (Errors.Count == 0)
        {
            Series = await queries.SeriesAsync(filter, ct).ConfigureAwait(false);
            Heat = await queries.HeatMapAsync(filter, ct).ConfigureAwait(false);
        }
    }

    public static string Weekday(int isoWeekday) => WeekdayNames[isoWeekday - 1];

    public string Format(double? value) => value is not { } v ? "–" : Series!.Measure switch
    {
        "dialogues" => v.ToString("0", CultureInfo.InvariantCulture),
        "averageQuality" => v.ToString("0.0", CultureInfo.InvariantCulture),
        _ => (v * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%",
    };

    /// <summary>The chart's data for trends.js (a data attribute: the page has no inline script).</summary>
    public string ChartJson() => JsonSerializer.Serialize(Series!.Points.Select(p => new
    {
        label = p.Start == p.End ? p.Start.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : $"{p.Start:yyyy-MM-dd} – {p.End:yyyy-MM-dd}",
        value = p.Value,
        text = Format(p.Value),
        dialogues = p.Dialogues,
    }));

    /// <summary>Cell shade 0..1 relative to the busiest cell (activity) or as the rate itself (upsell).</summary>
    public static string Shade(double share) => $"background: rgba(36, 89, 199, {Math.Clamp(share, 0, 1).ToString("0.00", CultureInfo.InvariantCulture)})";
}
