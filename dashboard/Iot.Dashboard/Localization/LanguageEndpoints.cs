using Microsoft.AspNetCore.Http.HttpResults;

namespace Iot.Dashboard.Localization;

public static class LanguageEndpoints
{
    /// <summary>The caller's own account: no id in the route, every signed-in role.</summary>
    public static void MapLanguageEndpoints(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/me").WithTags("Me");
        group.MapGet("/language", GetAsync);
        group.MapPut("/language", PutAsync);
    }

    /// <summary>The choice and the culture the pages use now (the API itself answers in the invariant culture).</summary>
    private static async Task<Ok<LanguageView>> GetAsync(UserLanguageService languages, HttpContext http, CancellationToken ct)
    {
        var chosen = await languages.GetAsync(ct).ConfigureAwait(false);
        var effective = await new UserCultureProvider().DetermineProviderCultureResult(http).ConfigureAwait(false);
        return TypedResults.Ok(new LanguageView(chosen, effective?.UICultures[0].Value ?? SupportedCultures.Default, SupportedCultures.Names));
    }

    private static async Task<Results<NoContent, ValidationProblem>> PutAsync(LanguageChange request, UserLanguageService languages, CancellationToken ct)
    {
        var errors = await languages.SetAsync(request.Language, ct).ConfigureAwait(false);
        return errors.Count > 0 ? TypedResults.ValidationProblem(errors) : TypedResults.NoContent();
    }
}
