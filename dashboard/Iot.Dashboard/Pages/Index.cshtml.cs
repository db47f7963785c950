using Iot.Dashboard.Overview;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Iot.Dashboard.Pages;

public sealed class OverviewModel(OverviewQueries queries) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public DateTime? From { get; set; }

    [BindProperty(SupportsGet = true)]
    public DateTime? To { get; set; }

    public OverviewKpis Kpis { get; private set; } = null!;

    public async Task OnGetAsync(CancellationToken ct)
    {
        DateTimeOffset? Utc(DateTime? d) => d is { } v ? new DateTimeOffset(DateTime.SpecifyKind(v.Date, DateTimeKind.Utc)) : null;
        var from = Utc(From);
        var to = Utc(To)?.AddDays(1);
        Kpis = await queries.GetAsync(from, from > to ? from : to, ct).ConfigureAwait(false);
    }
}
