using Iot.Dashboard.Auth;
using Iot.Dashboard.Data;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Iot.Dashboard.Reviews;

public static class ReviewEndpoints
{
    public static void MapReviewEndpoints(this IEndpointRouteBuilder api)
    {
        // Reading a dialogue's reviews is reading its content; writing one is a reviewer's job.
        var group = api.MapGroup("/").WithTags("Reviews");
        group.MapGet("/dialogues/{id:guid}/review", GetAsync).RequireAuthorization(Policies.ReadContent);
        group.MapPost("/dialogues/{id:guid}/review", SaveAsync).RequireAuthorization(Policies.ReviewAnalyses);
        group.MapGet("/reviews/export.jsonl", Export).RequireAuthorization(Policies.ReviewAnalyses);
    }

    private static async Task<Results<Ok<DialogueReviews>, NotFound>> GetAsync(Guid id, ReviewStore store, TenantScope scope, CancellationToken ct) =>
        await store.GetAsync(id, scope.Role == Roles.Admin, ct).ConfigureAwait(false) is { } reviews ? TypedResults.Ok(reviews) : TypedResults.NotFound();

    private static async Task<Results<Created<ReviewView>, NotFound, ValidationProblem, ProblemHttpResult>> SaveAsync(
        Guid id, [Microsoft.AspNetCore.Mvc.FromBody] ReviewRequest request, ReviewStore store, CancellationToken ct)
    {
        var result = await store.SaveAsync(id, request, ct).ConfigureAwait(false);
        return result switch
        {
            { Saved: { } saved } => TypedResults.Created($"/api/dialogues/{id}/review", saved),
            { Errors: { } errors } => TypedResults.ValidationProblem(errors),
            { Conflict: { } conflict } => TypedResults.Problem(conflict, statusCode: StatusCodes.Status409Conflict),
            _ => TypedResults.NotFound(),
        };
    }

    private static IResult Export(DateTimeOffset? from, DateTimeOffset? to, string? branch, ReviewExport export, HttpContext http)
    {
        if (from > to)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["from"] = ["from must not be after to"] });
        }

        var ct = http.RequestAborted;
        return Results.Stream(async body => await export.WriteAsync(from, to, branch, body, ct).ConfigureAwait(false), "application/x-ndjson; charset=utf-8", "reviews.jsonl");
    }
}
