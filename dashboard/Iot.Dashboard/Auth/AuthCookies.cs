using Iot.Dashboard.Hosting;

namespace Iot.Dashboard.Auth;

/// <summary>The browser keeps the same two tokens the API hands out, in HttpOnly SameSite=Strict cookies.</summary>
public static class AuthCookies
{
    public const string Access = "iot_access";
    public const string Refresh = "iot_refresh";

    /// <summary>Set by <see cref="CookieSessionMiddleware"/> when it refreshed the access token during this request.</summary>
    public const string RefreshedAccessItem = "iot.refreshed-access";

    public static void Write(HttpResponse response, SignedIn session, AuthOptions auth)
    {
        response.Cookies.Append(Access, session.Access.Token, Options(session.Access.ExpiresAt, auth));
        response.Cookies.Append(Refresh, session.RefreshToken, Options(session.RefreshExpiresAt, auth));
    }

    public static void Clear(HttpResponse response, AuthOptions auth)
    {
        response.Cookies.Delete(Access, Options(null, auth));
        response.Cookies.Delete(Refresh, Options(null, auth));
    }

    public static string? AccessToken(HttpContext context) =>
        context.Items[RefreshedAccessItem] as string ?? context.Request.Cookies[Access];

    private static CookieOptions Options(DateTimeOffset? expires, AuthOptions auth) => new()
    {
        HttpOnly = true,
        SameSite = SameSiteMode.Strict,
        Secure = auth.SecureCookies,
        Path = "/",
        Expires = expires,
        IsEssential = true,
    };
}
