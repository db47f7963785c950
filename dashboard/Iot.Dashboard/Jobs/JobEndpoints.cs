using Iot.Dashboard.Auth;
using Iot.Dashboard.Data;
using Iot.Dashboard.Provisioning;
using Iot.Provisioning.Admin;
using Iot.Provisioning.Api;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Iot.Dashboard.Jobs;

public sealed record CancelJobRequest(string? Reason);

public sealed record RetryKindRequest(string? Kind, int? Max);

/// <summary>
/// <c>/api/jobs</c>: the job queue of the caller's own tenant and branches. The dashboard's database role has no rights
/// on jobs (they have no tenant column for row security to test), so every read and action goes to the bridge's operator
/// API, which owns them and scopes them by the user's tenant and branches (the same route iotctl calls). This side checks
/// the role (policies) and the shape of the request; the API answers 404 for any job outside the scope.
/// </summary>
public static class JobEndpoints
{
    public static void MapJobEndpoints(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/jobs").WithTags("Jobs");
        group.MapGet("/", ViewAsync).RequireAuthorization(Policies.ReadJobs);
        group.MapPost("/{id}/retry", RetryAsync).RequireAuthorization(Policies.Admin);
        group.MapPost("/{id}/cancel", CancelAsync).RequireAuthorization(Policies.Admin);
        group.MapPost("/retry-kind", RetryKindAsync).RequireAuthorization(Policies.Admin);
    }

    private static Task<Results<Ok<JobsView>, NotFound, ValidationProblem, ProblemHttpResult>> ViewAsync(OperatorApi api, CancellationToken ct) =>
        RunAsync(async () => TypedResults.Ok(await api.CallAsync((a, who) => a.JobsAsync(who, ct)).ConfigureAwait(false)));

    private static Task<Results<Ok<JobActionResult>, NotFound, ValidationProblem, ProblemHttpResult>> RetryAsync(string id, OperatorApi api, CancellationToken ct) =>
        JobApiEndpoints.ParseId(id) is not { } jobId ? Task.FromResult<Results<Ok<JobActionResult>, NotFound, ValidationProblem, ProblemHttpResult>>(BadId())
        : RunAsync(async () => TypedResults.Ok(await api.CallAsync((a, who) => a.RetryJobAsync(who, jobId, ct)).ConfigureAwait(false)));

    private static Task<Results<Ok<JobActionResult>, NotFound, ValidationProblem, ProblemHttpResult>> CancelAsync(string id, CancelJobRequest? request, OperatorApi api, CancellationToken ct)
    {
        if (JobApiEndpoints.ParseId(id) is not { } jobId)
        {
            return Task.FromResult<Results<Ok<JobActionResult>, NotFound, ValidationProblem, ProblemHttpResult>>(BadId());
        }

        if (request?.Reason is { Length: > JobActions.MaxReasonChars })
        {
            return Task.FromResult<Results<Ok<JobActionResult>, NotFound, ValidationProblem, ProblemHttpResult>>(
                TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["reason"] = [$"reason must be at most {JobActions.MaxReasonChars} characters"] }));
        }

        return RunAsync(async () => TypedResults.Ok(await api.CallAsync((a, who) => a.CancelJobAsync(who, jobId, request?.Reason, ct)).ConfigureAwait(false)));
    }

    private static Task<Results<Ok<JobActionResult>, NotFound, ValidationProblem, ProblemHttpResult>> RetryKindAsync(RetryKindRequest request, OperatorApi api, CancellationToken ct)
    {
        var body = new RetryKindBody(request.Kind, request.Max);
        if (JobApiEndpoints.CheckRetryKind(body) is { } problem)
        {
            var field = JobActions.IsValidKind(request.Kind) ? "max" : "kind";
            return Task.FromResult<Results<Ok<JobActionResult>, NotFound, ValidationProblem, ProblemHttpResult>>(
                TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [problem] }));
        }

        return RunAsync(async () => TypedResults.Ok(await api.CallAsync((a, who) => a.RetryJobsOfKindAsync(who, body.Kind!, body.Max ?? JobActions.DefaultRetryKind, ct)).ConfigureAwait(false)));
    }

    private static ValidationProblem BadId() =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["id"] = ["job id must be a positive integer"] });

    private static Task<Results<Ok<T>, NotFound, ValidationProblem, ProblemHttpResult>> RunAsync<T>(Func<Task<Ok<T>>> call) =>
        OperatorApiRefusals.MapAsync<T>(async () => await call().ConfigureAwait(false), "Operator API unavailable");
}
