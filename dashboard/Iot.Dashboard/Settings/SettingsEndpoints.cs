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

        // Spoken languages per branch (issue 16 item 9); a branch-scoped admin only for their branches (row security).
        group.MapGet("/branches", async (BranchLanguageService s, CancellationToken ct) => TypedResults.Ok(await s.ListAsync(ct).ConfigureAwait(false)));
        group.MapPut("/branches/{branchId}", PutBranchAsync).RequireAuthorization(Policies.Admin);
    }

    private static async Task<Results<NoContent, NotFound, ValidationProblem>> PutBranchAsync(string branchId, BranchLanguagesChange request, BranchLanguageService s, CancellationToken ct)
    {
        var errors = await s.SaveAsync(branchId, request, ct).ConfigureAwait(false);
        if (errors is null)
        {
            return TypedResults.NotFound();
        }

        return errors.Count > 0 ? TypedResults.ValidationProblem(errors) : TypedResults.NoContent();
    }

    private static async Task<Results<NoContent, ValidationProblem>> PutAsync(TenantSettingsView request, TenantSettingsService s, CancellationToken ct)
    {
        var errors = await s.SaveAsync(request, ct).ConfigureAwait(false);
        return errors.Count > 0 ? TypedResults.ValidationProblem(errors) : TypedResults.NoContent();
    }
}
