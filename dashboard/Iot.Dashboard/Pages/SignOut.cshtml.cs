using Iot.Dashboard.Auth;
using Iot.Dashboard.Hosting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace Iot.Dashboard.Pages;

public sealed class SignOutModel(AuthService auth, IOptions<DashboardOptions> options) : PageModel
{
    public IActionResult OnGet() => Redirect("/");

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        await auth.SignOutAsync(Request.Cookies[AuthCookies.Refresh] ?? "", ct).ConfigureAwait(false);
        AuthCookies.Clear(Response, options.Value.Auth);
        return Redirect("/signin");
    }
}
