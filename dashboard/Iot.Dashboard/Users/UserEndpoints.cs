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
        group.MapPost("/{id:guid}/disable", async Task<Results<NoContent, NotFound, ValidationProblem, ProblemHttpResult>> (Guid id, UserAdmin users, CancellationToken ct) =>
            Outcome(await users.DisableAsync(id, ct).ConfigureAwait(false)));
        group.MapPost("/{id:guid}/enable", async Task<Results<NoContent, NotFound, ValidationProblem, ProblemHttpResult>> (Guid id, UserAdmin users, CancellationToken ct) =>
            Outcome(await users.EnableAsync(id, ct).ConfigureAwait(false)));
        group.MapPut("/{id:guid}", ChangeAccessAsync);
        group.MapPost("/{id:guid}/password", ResetPasswordAsync);
    }

    private static async Task<Results<NoContent, NotFound, ValidationProblem, ProblemHttpResult>> ChangeAccessAsync(Guid id, UserAccess request, UserAdmin users, CancellationToken ct) =>
        Outcome(await users.ChangeAccessAsync(id, request, ct).ConfigureAwait(false));

    private static async Task<Results<NoContent, NotFound, ValidationProblem, ProblemHttpResult>> ResetPasswordAsync(Guid id, PasswordReset request, UserAdmin users, CancellationToken ct) =>
        Outcome(await users.ResetPasswordAsync(id, request.Password, ct).ConfigureAwait(false));

    private static Results<NoContent, NotFound, ValidationProblem, ProblemHttpResult> Outcome(UserChange result) =>
        result.Errors.Count > 0 ? TypedResults.ValidationProblem(result.Errors)
        : result.OutOfScope ? TypedResults.Problem("the account reaches branches you do not manage", statusCode: StatusCodes.Status403Forbidden, title: "Outside your branches")
        : result.Found ? TypedResults.NoContent()
        : TypedResults.NotFound();

    private static async Task<Results<Created, ValidationProblem>> CreateAsync(NewUser request, UserAdmin users, CancellationToken ct)
    {
        var errors = await users.CreateAsync(request, ct).ConfigureAwait(false);
        return errors.Count > 0 ? TypedResults.ValidationProblem(errors) : TypedResults.Created();
    }
}
