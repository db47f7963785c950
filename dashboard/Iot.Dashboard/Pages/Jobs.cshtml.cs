using Iot.Dashboard.Auth;
using Iot.Dashboard.Data;
using Iot.Dashboard.Localization;
using Iot.Dashboard.Provisioning;
using Iot.Provisioning.Admin;
using Iot.Provisioning.Api;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace Iot.Dashboard.Pages;

/// <summary>
/// The job queue of the user's tenant and branches, as the bridge's operator API shows it. Supervisors read; admins
/// also retry dead jobs, cancel queued or waiting ones and retry every dead job of a kind (each behind a confirmation).
/// </summary>
[Authorize(Policy = Policies.ReadJobs)]
public sealed class JobsModel(OperatorApi api, IAuthorizationService authorization, IStringLocalizer<SharedResource> t) : PageModel
{
    public JobsView? View { get; private set; }

    public bool CanAct { get; private set; }

    [TempData]
    public string? Message { get; set; }

    public List<string> Errors { get; } = [];

    /// <summary>Kinds with at least one dead job, for the retry-all buttons.</summary>
    public IEnumerable<(string Kind, long Dead)> DeadKinds =>
        (View?.Depth ?? []).Where(d => d.Status == "dead").GroupBy(d => d.Kind).Select(g => (g.Key, g.Sum(d => d.Count)));

    public Task OnGetAsync(CancellationToken ct) => LoadAsync(ct);

    public Task<IActionResult> OnPostRetryAsync(long id, CancellationToken ct) =>
        ActAsync(w => api.CallAsync((a, who) => a.RetryJobAsync(who, id, w)), r => t["Jobs.Requeued", id], ct);

    public Task<IActionResult> OnPostCancelAsync(long id, string? reason, CancellationToken ct) =>
        reason is { Length: > JobActions.MaxReasonChars }
            ? FailAsync(t["Jobs.ReasonTooLong", JobActions.MaxReasonChars], ct)
            : ActAsync(w => api.CallAsync((a, who) => a.CancelJobAsync(who, id, reason, w)), r => t["Jobs.Cancelled", id], ct);

    public Task<IActionResult> OnPostRetryKindAsync(string? kind, int? max, CancellationToken ct) =>
        JobApiEndpoints.CheckRetryKind(new RetryKindBody(kind, max)) is { } problem
            ? FailAsync(problem, ct)
            : ActAsync(w => api.CallAsync((a, who) => a.RetryJobsOfKindAsync(who, kind!, max ?? JobActions.DefaultRetryKind, w)), r => t["Jobs.KindRequeued", r.Count, kind!], ct);

    private async Task<IActionResult> ActAsync(Func<CancellationToken, Task<JobActionResult>> action, Func<JobActionResult, string> done, CancellationToken ct)
    {
        // Page handlers cannot carry their own [Authorize]: the page admits supervisors, the actions only admins.
        if (!(await authorization.AuthorizeAsync(User, Policies.Admin).ConfigureAwait(false)).Succeeded)
        {
            return Forbid();
        }

        try
        {
            Message = done(await action(ct).ConfigureAwait(false));
            return RedirectToPage();
        }
        catch (Exception ex) when (ex is ProvisioningException or NotInTenantException or ProvisioningApiUnavailableException)
        {
            return await FailAsync(ex.Message, ct).ConfigureAwait(false);
        }
    }

    private async Task<IActionResult> FailAsync(string error, CancellationToken ct)
    {
        Errors.Add(error);
        await LoadAsync(ct).ConfigureAwait(false);
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        CanAct = (await authorization.AuthorizeAsync(User, Policies.Admin).ConfigureAwait(false)).Succeeded;
        try
        {
            View = await api.CallAsync((a, who) => a.JobsAsync(who, ct)).ConfigureAwait(false);
        }
        catch (ProvisioningApiUnavailableException ex)
        {
            Errors.Add(ex.Message);
        }
    }
}
