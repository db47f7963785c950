using Iot.Dashboard.Auth;
using Iot.Dashboard.Hosting;
using Iot.Dashboard.Localization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;

namespace Iot.Dashboard.Pages;

[EnableRateLimiting(AuthEndpoints.LoginRateLimit)]
public sealed class SignInModel(AuthService auth, IOptions<DashboardOptions> options, IStringLocalizer<SharedResource> t) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    [BindProperty]
    public string Email { get; set; } = "";

    [BindProperty]
    public string Password { get; set; } = "";

    public string? Error { get; private set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var result = await auth.SignInAsync(Email, Password, HttpContext.Connection.RemoteIpAddress?.ToString(), ct).ConfigureAwait(false);
        if (result.Locked)
        {
            Error = t["SignIn.Locked"];
            Response.StatusCode = StatusCodes.Status429TooManyRequests;
            return Page();
        }

        if (result.Session is not { } session)
        {
            Error = t["SignIn.Wrong"];
            Response.StatusCode = StatusCodes.Status401Unauthorized;
            return Page();
        }

        AuthCookies.Write(Response, session, options.Value.Auth);

        // Only local paths: an open redirect would turn the sign-in page into a phishing helper.
        return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl! : "/");
    }
}
