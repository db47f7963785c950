using System.Globalization;
using Iot.Dashboard.Auth;
using Iot.Dashboard.Opportunities;
using Iot.Dashboard.Settings;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Iot.Dashboard.Pages;

/// <summary>
/// Missed opportunities: three tabs over one filter (period in local days, branch, device, operator), all in the URL.
/// Only the chosen tab is read.
/// </summary>
[Authorize(Policy = Policies.ReadPerformance)]
public sealed class OpportunitiesModel(OpportunityQueries queries) : PageModel
{
    /// <summary>Each tab and the resource key of its title.</summary>
    public static readonly IReadOnlyList<(string View, string Title)> Views =
        [("missed", "Opportunities.TabMissed"), ("declined", "Opportunities.TabDeclined"), ("items", "Opportunities.TabItems")];

    [BindProperty(SupportsGet = true)] public string? View { get; set; }
    [BindProperty(SupportsGet = true)] public string? From { get; set; }
    [BindProperty(SupportsGet = true)] public string? To { get; set; }
    [BindProperty(SupportsGet = true)] public string? Branch { get; set; }
    [BindProperty(SupportsGet = true)] public string? Device { get; set; }
    [BindProperty(SupportsGet = true)] public string? Operator { get; set; }
    [BindProperty(SupportsGet = true)] public string? Sort { get; set; }
    [BindProperty(SupportsGet = true)] public string? Cursor { get; set; }

    public string CurrentView => Views.Any(v => v.View == View) ? View! : "missed";

    public OpportunityPage<MissedOpportunity>? Missed { get; private set; }

    public OpportunityPage<DeclinedOffer>? Declined { get; private set; }

    public TopItems? Items { get; private set; }

    public Dictionary<string, string[]> Errors { get; private set; } = [];

    /// <summary>The period actually shown (defaults filled in), for the date inputs.</summary>
    public (DateOnly From, DateOnly To, string Zone)? Period { get; private set; }

    public string? NextPageUrl { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        var filter = new OpportunityFilter
        {
            From = From, To = To, Branch = Branch, Device = Device, Operator = Operator,
            Cursor = CurrentView == "items" ? null : Cursor,
            Sort = CurrentView == "items" ? Sort : null,
        };
        Errors = filter.Validate();
        if (Errors.Count > 0)
        {
            return;
        }

        string? next = null;
        switch (CurrentView)
        {
            case "declined":
                Declined = await queries.DeclinedAsync(filter, ct).ConfigureAwait(false);
                (Period, next) = ((Declined.From, Declined.To, Declined.TimeZone), Declined.NextCursor);
                break;
            case "items":
                Items = await queries.ItemsAsync(filter, ct).ConfigureAwait(false);
                Period = (Items.From, Items.To, Items.TimeZone);
                break;
            default:
                Missed = await queries.MissedAsync(filter, ct).ConfigureAwait(false);
                (Period, next) = ((Missed.From, Missed.To, Missed.TimeZone), Missed.NextCursor);
                break;
        }

        NextPageUrl = next is null ? null : With("cursor", next);
    }

    /// <summary>This page's URL with one parameter changed; changing anything but the cursor starts at the first page.</summary>
    public string With(string name, string? value)
    {
        var query = Request.Query.Where(q => q.Key != name && q.Key != "cursor" && q.Value.ToString().Length > 0).ToDictionary(q => q.Key, q => q.Value);
        if (value is not null)
        {
            query[name] = value;
        }

        if (name == "view")
        {
            query.Remove("sort");
        }

        return "/opportunities" + QueryString.Create(query);
    }

    /// <summary>Clicking the sorted column again reverses it; another column starts descending (largest first).</summary>
    public string SortLink(string column) => With("sort", Items?.Sort == "-" + column ? column : "-" + column);

    public string SortMark(string column) => Items?.Sort == column ? " ▲" : Items?.Sort == "-" + column ? " ▼" : "";

    /// <summary>Tenant-local time in the reader's culture (the request culture: short date and time).</summary>
    public string Local(DateTime utc) => TenantTime.Local(utc, TenantTime.Zone(Period?.Zone ?? "Etc/UTC")).ToString("g", CultureInfo.CurrentCulture);

    public static string Rate(double? v) => v is { } x ? x.ToString("P1", CultureInfo.CurrentCulture) : "–";
}
