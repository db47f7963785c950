using Iot.Dashboard.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Iot.Dashboard.Users;

public static class UserEndpoints
{
    public static void MapUserEndpoints(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/users").WithTags("Users").RequireAuthorization(Policies.Admin);
        group.MapGet("/", async (UserAdmin users, CancellationToken ct) => TypedResults.Ok(await users.ListAsync(ct).ConfigureAwait(false)));
        group.MapPost("/", CreateAsync);
        group.MapPost("/{id:guid}/disable", async Task<Results<NoContent, NotFound>> (Guid id, UserAdmin users, CancellationToken ct) =>
            await users.DisableAsync(id, ct).ConfigureAwait(false) > 0 ? TypedResults.NoContent() : TypedResults.NotFound());
    }

    private static async Task<Results<Created, ValidationProblem>> CreateAsync(NewUser request, UserAdmin users, CancellationToken ct)
    {
        var errors = await users.CreateAsync(request, ct).ConfigureAwait(false);
        return errors.Count > 0 ? TypedResults.ValidationProblem(errors) : TypedResults.Created();
    }
}
