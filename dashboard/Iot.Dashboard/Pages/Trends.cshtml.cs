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
    /// <summary>Measure → resource key of its name (<c>Measure.*</c>).</summary>
    public static readonly IReadOnlyDictionary<string, string> MeasureNames = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["dialogues"] = "Measure.dialogues",
        ["attemptRate"] = "Measure.attemptRate",
        ["acceptanceRate"] = "Measure.acceptanceRate",
        ["averageQuality"] = "Measure.averageQuality",
        ["compliance"] = "Measure.compliance",
    };

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

    /// <summary>The culture's short weekday name (ISO 1 = Monday .. 7 = Sunday).</summary>
    public static string Weekday(int isoWeekday) => CultureInfo.CurrentCulture.DateTimeFormat.GetAbbreviatedDayName((DayOfWeek)(isoWeekday % 7));

    public string Format(double? value) => value is not { } v ? "–" : Series!.Measure switch
    {
        "dialogues" => v.ToString("N0", CultureInfo.CurrentCulture),
        "averageQuality" => v.ToString("N1", CultureInfo.CurrentCulture),
        _ => v.ToString("P1", CultureInfo.CurrentCulture),
    };

    /// <summary>The chart's data for trends.js (a data attribute: the page has no inline script).</summary>
    public string ChartJson() => JsonSerializer.Serialize(Series!.Points.Select(p => new
    {
        label = p.Start == p.End ? p.Start.ToString("d", CultureInfo.CurrentCulture) : $"{p.Start.ToString("d", CultureInfo.CurrentCulture)} – {p.End.ToString("d", CultureInfo.CurrentCulture)}",
        value = p.Value,
        text = Format(p.Value),
        dialogues = p.Dialogues,
    }));

    /// <summary>Cell shade 0..1 relative to the busiest cell (activity) or as the rate itself (upsell).</summary>
    public static string Shade(double share) => $"background: rgba(36, 89, 199, {Math.Clamp(share, 0, 1).ToString("0.00", CultureInfo.InvariantCulture)})";
}
