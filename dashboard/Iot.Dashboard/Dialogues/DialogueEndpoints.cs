using Iot.Dashboard.Auth;
using Iot.Dashboard.Data;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Iot.Dashboard.Dialogues;

public sealed record DeleteDialogueRequest(string Reason);

public static class DialogueEndpoints
{
    public const int MaxReasonLength = 500;

    public static void MapDialogueEndpoints(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/dialogues").WithTags("Dialogues").RequireAuthorization(Policies.ReadContent);
        group.MapGet("/", ListAsync);
        group.MapGet("/{id:guid}", DetailAsync);
        group.MapDelete("/{id:guid}", DeleteAsync).RequireAuthorization(Policies.Admin);
        group.MapPost("/{id:guid}/restore", RestoreAsync).RequireAuthorization(Policies.Admin);
    }

    private static async Task<Results<Ok<DialoguePage>, ValidationProblem>> ListAsync([AsParameters] DialogueFilter filter, DialogueQueries queries, TenantScope scope, CancellationToken ct)
    {
        var errors = filter.Validate();
        if (filter.Deleted == true && scope.Role != Roles.Admin)
        {
            errors["deleted"] = ["only admins may list deleted dialogues"];
        }

        return errors.Count > 0
            ? TypedResults.ValidationProblem(errors)
            : TypedResults.Ok(await queries.ListAsync(filter, includeDeleted: true, ct).ConfigureAwait(false));
    }

    private static async Task<Results<Ok<DialogueDetail>, NotFound>> DetailAsync(Guid id, DialogueQueries queries, TenantScope scope, CancellationToken ct) =>
        await queries.DetailAsync(id, scope.Role == Roles.Admin, ct).ConfigureAwait(false) is { } detail ? TypedResults.Ok(detail) : TypedResults.NotFound();

    private static async Task<Results<NoContent, NotFound, ValidationProblem>> DeleteAsync(Guid id, [Microsoft.AspNetCore.Mvc.FromBody] DeleteDialogueRequest request, DialogueQueries queries, CancellationToken ct)
    {
        var reason = request.Reason?.Trim() ?? "";
        if (reason.Length is 0 or > MaxReasonLength)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["reason"] = [$"reason must be 1..{MaxReasonLength} characters"] });
        }

        return await queries.SoftDeleteAsync(id, reason, ct).ConfigureAwait(false) > 0 ? TypedResults.NoContent() : TypedResults.NotFound();
    }

    private static async Task<Results<NoContent, NotFound>> RestoreAsync(Guid id, DialogueQueries queries, CancellationToken ct) =>
        await queries.RestoreAsync(id, ct).ConfigureAwait(false) > 0 ? TypedResults.NoContent() : TypedResults.NotFound();
}
