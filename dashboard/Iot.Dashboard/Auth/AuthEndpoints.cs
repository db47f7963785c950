using Iot.Dashboard.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Iot.Dashboard.Auth;

public sealed record LoginRequest(string Email, string Password);

public sealed record RefreshRequest(string RefreshToken);

public sealed record TokenResponse(string AccessToken, DateTimeOffset ExpiresAt, string RefreshToken, DateTimeOffset RefreshExpiresAt, string Role, string TenantId);

public static class AuthEndpoints
{
    public const string LoginRateLimit = "login";

    public static void MapAuthEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/auth").WithTags("Auth").AllowAnonymous();
        group.MapPost("/login", LoginAsync).RequireRateLimiting(LoginRateLimit);
        group.MapPost("/refresh", RefreshAsync).RequireRateLimiting(LoginRateLimit);
        group.MapPost("/logout", LogoutAsync);
    }

    private static async Task<Results<Ok<TokenResponse>, ProblemHttpResult>> LoginAsync(LoginRequest request, AuthService auth, HttpContext http, CancellationToken ct)
    {
        var result = await auth.SignInAsync(request.Email, request.Password, http.Connection.RemoteIpAddress?.ToString(), ct).ConfigureAwait(false);
        if (result.LockedFor is { } lockedFor)
        {
            http.Response.Headers.RetryAfter = Math.Ceiling(lockedFor.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return TypedResults.Problem("too many failed sign-ins for this e-mail; try again later", statusCode: StatusCodes.Status429TooManyRequests, title: "Sign-in locked");
        }

        return result.Session is not { } session
            ? TypedResults.Problem("e-mail or password is wrong", statusCode: StatusCodes.Status401Unauthorized, title: "Sign-in refused")
            : TypedResults.Ok(ToResponse(session));
    }

    private static async Task<Results<Ok<TokenResponse>, ProblemHttpResult>> RefreshAsync(RefreshRequest request, AuthService auth, CancellationToken ct)
    {
        var session = await auth.RefreshAsync(request.RefreshToken, ct).ConfigureAwait(false);
        return session is null
            ? TypedResults.Problem("refresh token is unknown, expired or already used", statusCode: StatusCodes.Status401Unauthorized, title: "Refresh refused")
            : TypedResults.Ok(ToResponse(session));
    }

    private static async Task<NoContent> LogoutAsync(RefreshRequest? request, AuthService auth, HttpContext http, IOptions<DashboardOptions> options, CancellationToken ct)
    {
        var token = request?.RefreshToken ?? http.Request.Cookies[AuthCookies.Refresh] ?? "";
        await auth.SignOutAsync(token, ct).ConfigureAwait(false);
        AuthCookies.Clear(http.Response, options.Value.Auth);
        return TypedResults.NoContent();
    }

    private static TokenResponse ToResponse(SignedIn s) =>
        new(s.Access.Token, s.Access.ExpiresAt, s.RefreshToken, s.RefreshExpiresAt, s.User.Role, s.User.TenantId);
}
