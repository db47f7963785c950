using Iot.Dashboard.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Iot.Dashboard.Settings;

public static class SettingsEndpoints
{
    public static void MapSettingsEndpoints(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/settings").WithTags("Settings");
        group.MapGet("/", async (TenantSettingsService s, CancellationToken ct) => TypedResults.Ok(await s.GetAsync(ct).ConfigureAwait(false)));
        group.MapPut("/", PutAsync).RequireAuthorization(Policies.TenantAdmin);
    }

    private static async Task<Results<NoContent, ValidationProblem>> PutAsync(TenantSettingsView request, TenantSettingsService s, CancellationToken ct)
    {
        var errors = await s.SaveAsync(request, ct).ConfigureAwait(false);
        return errors.Count > 0 ? TypedResults.ValidationProblem(errors) : TypedResults.NoContent();
    }
}
