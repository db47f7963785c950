using Iot.Dashboard.Auth;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Iot.Dashboard.Pages;

[Authorize(Policy = Policies.ReadContent)]
public sealed class ReportsModel : PageModel
{
    public void OnGet()
    {
    }
}
