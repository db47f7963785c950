using System.Globalization;
using Iot.Dashboard.Auth;
using Microsoft.AspNetCore.Localization;
using Microsoft.Net.Http.Headers;

namespace Iot.Dashboard.Localization;

/// <summary>
/// The request's culture: the signed-in account's own choice (<c>dashboard_users.language</c>, read through the token
/// check's <see cref="AccountCheck"/> cache), else the browser's Accept-Language, else none (the default, English).
/// Runs after authentication. Browsers send plain <c>uz</c> or <c>az-AZ</c>; a tag matches a supported culture by its
/// whole name or by its language (a script or region it names must not contradict it: <c>uz-Cyrl</c> is not <c>uz-Latn</c>).
/// </summary>
public sealed class UserCultureProvider : RequestCultureProvider
{
    public override async Task<ProviderCultureResult?> DetermineProviderCultureResult(HttpContext httpContext)
    {
        if (httpContext.User.Identity?.IsAuthenticated == true
            && Guid.TryParse(httpContext.User.FindFirst(DashboardClaims.Subject)?.Value, out var userId))
        {
            var accounts = httpContext.RequestServices.GetRequiredService<AccountCheck>();
            var user = await accounts.UserAsync(userId, httpContext.RequestAborted).ConfigureAwait(false);
            if (SupportedCultures.Find(user?.Language) is { } chosen)
            {
                return new ProviderCultureResult(chosen);
            }
        }

        return FromAcceptLanguage(httpContext.Request.Headers.AcceptLanguage.ToString()) is { } browser ? new ProviderCultureResult(browser) : null;
    }

    /// <summary>The best supported culture of an Accept-Language header, by the header's weights; null when none fits.</summary>
    public static string? FromAcceptLanguage(string header)
    {
        if (string.IsNullOrWhiteSpace(header) || !StringWithQualityHeaderValue.TryParseList([header], out var tags))
        {
            return null;
        }

        foreach (var tag in tags.Where(t => (t.Quality ?? 1) > 0).OrderByDescending(t => t.Quality ?? 1))
        {
            if (Match(tag.Value.ToString()) is { } name)
            {
                return name;
            }
        }

        return null;
    }

    private static string? Match(string tag)
    {
        if (SupportedCultures.Find(tag) is { } exact)
        {
            return exact;
        }

        var parts = tag.Split('-');
        foreach (var name in SupportedCultures.Names)
        {
            var supported = name.Split('-');
            if (!string.Equals(parts[0], supported[0], StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            // A four-letter subtag is a script: it must be the supported one (or the supported name names none).
            var script = parts.Skip(1).FirstOrDefault(p => p.Length == 4);
            var supportedScript = supported.Skip(1).FirstOrDefault(p => p.Length == 4);
            if (script is null || supportedScript is null || string.Equals(script, supportedScript, StringComparison.OrdinalIgnoreCase))
            {
                return name;
            }
        }

        return null;
    }

    internal static RequestLocalizationOptions LocalizationOptions()
    {
        var cultures = SupportedCultures.Cultures();
        var options = new RequestLocalizationOptions
        {
            DefaultRequestCulture = new RequestCulture(SupportedCultures.Default),
            SupportedCultures = cultures,
            SupportedUICultures = cultures,
            FallBackToParentCultures = false,
            FallBackToParentUICultures = false,
        };
        options.RequestCultureProviders.Clear();
        options.RequestCultureProviders.Add(new UserCultureProvider());
        return options;
    }
}
