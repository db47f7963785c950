using Iot.Dashboard.Auth;
using Iot.Dashboard.Data;
using Iot.Dashboard.Localization;
using Iot.Dashboard.Reports.Mail;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;

namespace Iot.Dashboard.Pages;

[Authorize(Policy = Policies.ReadContent)]
public sealed class ReportsModel(IAuthorizationService authorization, TenantDb db, ReportSubscriptions subscriptions, IOptions<Hosting.DashboardOptions> options, IStringLocalizer<SharedResource> t) : PageModel
{
    /// <summary>The labelled-data export is for the people who write reviews (admins, supervisors).</summary>
    public bool CanExportReviews { get; private set; }

    /// <summary>The branches the user may see (row security), for the summary and subscription pickers.</summary>
    public IReadOnlyList<(string Id, string Name)> Branches { get; private set; } = [];

    public IReadOnlyList<Subscription> Subscriptions { get; private set; } = [];

    /// <summary>False when no SMTP server is configured: subscriptions are kept but nothing is sent.</summary>
    public bool MailConfigured => options.Value.Reports.Smtp.Configured && options.Value.Reports.MailPollSeconds > 0;

    [TempData]
    public string? Message { get; set; }

    public List<string> Errors { get; } = [];

    public Task OnGetAsync(CancellationToken ct) => LoadAsync(ct);

    public async Task<IActionResult> OnPostSubscribeAsync(string? cadence, string? format, string? branch, string? @operator, CancellationToken ct)
    {
        var input = new SubscriptionInput(cadence, format, NullIfEmpty(branch), NullIfEmpty(@operator));
        var errors = ReportSubscriptions.Validate(input);
        if (errors.Count > 0)
        {
            Errors.AddRange(errors.SelectMany(e => e.Value));
            await LoadAsync(ct).ConfigureAwait(false);
            return Page();
        }

        var (outcome, _) = await subscriptions.CreateAsync(input, ct).ConfigureAwait(false);
        switch (outcome)
        {
            case ReportSubscriptions.Outcome.Created:
                Message = t["Reports.Subscribed", cadence ?? "", format ?? ""];
                return RedirectToPage();
            case ReportSubscriptions.Outcome.BranchNotFound:
                Errors.Add(t["Reports.BranchNotFound"]);
                break;
            case ReportSubscriptions.Outcome.Duplicate:
                Errors.Add(t["Reports.Duplicate"]);
                break;
            default:
                Errors.Add(t["Reports.TooMany", ReportSubscriptions.MaxPerUser]);
                break;
        }

        await LoadAsync(ct).ConfigureAwait(false);
        return Page();
    }

    public async Task<IActionResult> OnPostUnsubscribeAsync(long id, CancellationToken ct)
    {
        if (!await subscriptions.DeleteAsync(id, ct).ConfigureAwait(false))
        {
            return NotFound();
        }

        Message = t["Reports.Removed"];
        return RedirectToPage();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        CanExportReviews = (await authorization.AuthorizeAsync(User, Policies.ReviewAnalyses).ConfigureAwait(false)).Succeeded;
        Branches = await db.QueryAsync<(string, string)>("SELECT branch_id, name FROM branches ORDER BY name", null, ct).ConfigureAwait(false);
        Subscriptions = await subscriptions.ListAsync(ct).ConfigureAwait(false);
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
