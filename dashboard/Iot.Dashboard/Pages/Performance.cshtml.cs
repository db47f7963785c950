using Iot.Dashboard.Auth;
using Iot.Dashboard.Performance;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Iot.Dashboard.Pages;

[Authorize(Policy = Policies.ReadPerformance)]
public sealed class PerformanceModel(PerformanceQueries queries) : PageModel
{
    [BindProperty(SupportsGet = true)] public string? By { get; set; }
    [BindProperty(SupportsGet = true)] public string? From { get; set; }
    [BindProperty(SupportsGet = true)] public string? To { get; set; }
    [BindProperty(SupportsGet = true)] public string? Branch { get; set; }
    [BindProperty(SupportsGet = true)] public string? Device { get; set; }
    [BindProperty(SupportsGet = true)] public string? Sort { get; set; }

    public PerformanceReport? Report { get; private set; }

    public DrillDown? Links { get; private set; }

    public Dictionary<string, string[]> Errors { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct)
    {
        var filter = new PerformanceFilter { By = By, From = From, To = To, Branch = Branch, Device = Device, Sort = Sort };
        Errors = filter.Validate();
        if (Errors.Count == 0)
        {
            Report = await queries.GetAsync(filter, ct).ConfigureAwait(false);
            Links = new DrillDown(Report);
        }
    }

    /// <summary>This page's URL with one parameter changed (sort headers keep every filter).</summary>
    public string With(string name, string value)
    {
        var query = Request.Query.Where(q => q.Key != name).ToDictionary(q => q.Key, q => q.Value);
        query[name] = value;
        return "/performance" + QueryString.Create(query);
    }

    /// <summary>Clicking the sorted column again reverses it; another column starts descending (largest first).</summary>
    public string SortLink(string column) => With("sort", Report?.Sort == "-" + column ? column : "-" + column);

    public string SortMark(string column) => Report?.Sort == column ? " ▲" : Report?.Sort == "-" + column ? " ▼" : "";

    // Numbers in the reader's culture (the request's CurrentCulture): 50.0% in English, 50,0 % in Russian.
    public static string Rate(double? v) => v is { } x ? x.ToString("P1", System.Globalization.CultureInfo.CurrentCulture) : "–";

    public static string Score(double? v) => v is { } x ? x.ToString("N1", System.Globalization.CultureInfo.CurrentCulture) : "–";

    /// <summary>Rates change in percentage points.</summary>
    public static string RateChange(double? v) => v is { } x ? (x * 100).ToString("+0.0;-0.0;±0.0", System.Globalization.CultureInfo.CurrentCulture) + " pts" : "–";

    public static string Change(double? v) => v is { } x ? x.ToString("+0.0;-0.0;±0.0", System.Globalization.CultureInfo.CurrentCulture) : "–";

    public static string Count(int v) => v.ToString("+0;-0;±0", System.Globalization.CultureInfo.InvariantCulture);

    public static string Trend(double? v) => v switch { > 0 => "up", < 0 => "down", _ => "same" };
}
