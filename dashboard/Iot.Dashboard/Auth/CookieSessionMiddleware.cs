using Iot.Dashboard.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Iot.Dashboard.Auth;

/// <summary>
/// Keeps a browser session alive: when the access cookie is gone or about to expire and a refresh cookie is present,
/// rotates the refresh token before authentication runs. API clients with an Authorization header are left alone.
/// </summary>
public sealed class CookieSessionMiddleware(RequestDelegate next, IOptions<DashboardOptions> options, TimeProvider time)
{
    public async Task InvokeAsync(HttpContext context, AuthService auth)
    {
        var refresh = context.Request.Cookies[AuthCookies.Refresh];
        if (!context.Request.Headers.Authorization.Any() && !string.IsNullOrEmpty(refresh) && NeedsRefresh(context.Request.Cookies[AuthCookies.Access]))
        {
            var session = await auth.RefreshAsync(refresh, context.RequestAborted).ConfigureAwait(false);
            if (session is null)
            {
                AuthCookies.Clear(context.Response, options.Value.Auth);
            }
            else
            {
                AuthCookies.Write(context.Response, session, options.Value.Auth);
                context.Items[AuthCookies.RefreshedAccessItem] = session.Access.Token;
            }
        }

        await next(context).ConfigureAwait(false);
    }

    private bool NeedsRefresh(string? access)
    {
        if (string.IsNullOrEmpty(access))
        {
            return true;
        }

        var handler = new JsonWebTokenHandler();
        if (!handler.CanReadToken(access))
        {
            return true;
        }

        return new JsonWebToken(access).ValidTo <= time.GetUtcNow().UtcDateTime.AddSeconds(30);
    }
}
