using Iot.Dashboard.Auth;
using Iot.Dashboard.Fleet;
using Iot.Dashboard.Hosting;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace Iot.Dashboard.Pages;

[Authorize(Policy = Policies.ManageDevices)]
public sealed class FleetModel(FleetQueries fleet, IOptions<DashboardOptions> options) : PageModel
{
    public IReadOnlyList<FleetDevice> Devices { get; private set; } = [];

    public int OnlineWindowSeconds => options.Value.OnlineWindowSeconds;

    public async Task OnGetAsync(CancellationToken ct) => Devices = await fleet.DevicesAsync(ct).ConfigureAwait(false);
}
