using Iot.Dashboard.Alerts;
using Iot.Dashboard.Auth;
using Iot.Dashboard.Fleet;
using Iot.Dashboard.Localization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace Iot.Dashboard.Pages;

/// <summary>
/// The notification centre: open alerts of the user's tenant and branches, newest first, with an Acknowledge button for
/// admins and supervisors, and the resolved history behind the state filter. The unfiltered open view follows the live
/// stream the layout's bell opens (alerts.js); a filtered or paged view stays as loaded.
/// </summary>
[Authorize(Policy = Policies.ReadAlerts)]
public sealed class AlertsModel(AlertStore store, IAuthorizationService authorization, IStringLocalizer<SharedResource> t) : PageModel
{
    /// <summary>The texts alerts.js shows when it redraws the list.</summary>
    public static readonly IReadOnlyList<string> ClientKeys =
        ["Alerts.TenantWide", "Alerts.AckBy", "AlertState.open", "Fleet.LiveUpdated", "Alerts.NewestOf", .. FleetFormat.Severities.Select(s => "Severity." + s)];

    [BindProperty(SupportsGet = true)]
    public string? State { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Rule { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Severity { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Device { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Branch { get; set; }

    [BindProperty(SupportsGet = true)]
    public long? Before { get; set; }

    public AlertPage Alerts { get; private set; } = new([], null);

    public bool CanAcknowledge { get; private set; }

    /// <summary>The plain open list: the one the live stream can redraw as it stands.</summary>
    public bool Live => (State ?? AlertStates.Open) == AlertStates.Open && Rule is null && Severity is null && Device is null && Branch is null && Before is null;

    /// <summary>The next page with the same filters, or null on the last page.</summary>
    public string? OlderLink => Alerts.NextBefore is not { } next ? null : Microsoft.AspNetCore.WebUtilities.QueryHelpers.AddQueryString("/alerts", new Dictionary<string, string?>
    {
        ["state"] = State ?? AlertStates.Open, ["severity"] = Severity, ["rule"] = Rule, ["device"] = Device, ["branch"] = Branch,
        ["before"] = next.ToString(System.Globalization.CultureInfo.InvariantCulture),
    }.Where(kv => !string.IsNullOrEmpty(kv.Value)));

    [TempData]
    public string? Message { get; set; }

    public List<string> Errors { get; } = [];

    public async Task OnGetAsync(CancellationToken ct)
    {
        CanAcknowledge = (await authorization.AuthorizeAsync(User, Policies.AcknowledgeAlerts).ConfigureAwait(false)).Succeeded;
        var (filter, errors) = AlertEndpoints.Filter(State, Rule, Severity, Device, Branch, Before, null);
        if (filter is null)
        {
            Errors.AddRange(errors.SelectMany(e => e.Value));
            return;
        }

        Alerts = await store.ListAsync(filter, ct).ConfigureAwait(false);
    }

    public async Task<IActionResult> OnPostAcknowledgeAsync(long id, CancellationToken ct)
    {
        // Page handlers cannot carry their own [Authorize]: the page admits technicians, acknowledging does not.
        if (!(await authorization.AuthorizeAsync(User, Policies.AcknowledgeAlerts).ConfigureAwait(false)).Succeeded)
        {
            return Forbid();
        }

        var result = await store.AcknowledgeAsync(id, ct).ConfigureAwait(false);
        if (result.NotFound)
        {
            return NotFound();
        }

        Message = result.Conflict ?? (result.Changed ? t["Alerts.Acknowledged", id] : t["Alerts.AlreadyAcknowledged", id, result.Alert!.AcknowledgedBy ?? ""]);
        return RedirectToPage();
    }
}
