using Iot.Dashboard.Auth;
using Iot.Dashboard.Data;
using Iot.Dashboard.Fleet;
using Iot.Dashboard.Hosting;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace Iot.Dashboard.Pages;

/// <summary>The fleet list, filtered by branch and state from the URL; fleet.js keeps it live with the same filters.</summary>
[Authorize(Policy = Policies.ManageDevices)]
public sealed class FleetModel(FleetQueries fleet, DeviceDetails details, TenantDb db, TimeProvider time, IOptions<DashboardOptions> options) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Branch { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? State { get; set; }

    public IReadOnlyList<FleetDevice> Devices { get; private set; } = [];

    /// <summary>The caller's branches (row security), for the filter.</summary>
    public IReadOnlyList<string> Branches { get; private set; } = [];

    public List<string> Errors { get; } = [];

    public bool ShowAlerts { get; private set; }

    public DateTime NowUtc { get; private set; }

    public int OnlineWindowSeconds => options.Value.OnlineWindowSeconds;

    public async Task OnGetAsync(CancellationToken ct)
    {
        NowUtc = time.GetUtcNow().UtcDateTime;
        ShowAlerts = await details.CanReadAlertsAsync(User).ConfigureAwait(false);
        Branches = await db.QueryAsync<string>("SELECT branch_id FROM branches ORDER BY branch_id", null, ct).ConfigureAwait(false);
        var (filter, errors) = FleetFilter.Parse(Branch, State);
        Errors.AddRange(errors.SelectMany(e => e.Value));
        Devices = filter is null ? [] : await fleet.DevicesAsync(filter, ShowAlerts, ct).ConfigureAwait(false);
    }
}
