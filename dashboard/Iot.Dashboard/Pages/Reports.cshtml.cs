using Iot.Dashboard.Auth;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Iot.Dashboard.Pages;

[Authorize(Policy = Policies.ReadContent)]
public sealed class ReportsModel(IAuthorizationService authorization) : PageModel
{
    /// <summary>The labelled-data export is for the people who write reviews (admins, supervisors).</summary>
    public bool CanExportReviews { get; private set; }

    public async Task OnGetAsync() =>
        CanExportReviews = (await authorization.AuthorizeAsync(User, Policies.ReviewAnalyses).ConfigureAwait(false)).Succeeded;
}
