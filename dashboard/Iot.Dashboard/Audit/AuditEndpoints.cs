using Iot.Dashboard.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Iot.Dashboard.Audit;

public static class AuditEndpoints
{
    public static void MapAuditEndpoints(this IEndpointRouteBuilder api) =>
        api.MapGet("/audit", GetAsync).WithTags("Audit").RequireAuthorization(Policies.Admin);

    private static async Task<Results<Ok<AuditPage>, ValidationProblem>> GetAsync(string? action, long? before, int? pageSize, AuditQueries audit, CancellationToken ct) =>
        pageSize is < 1 or > AuditQueries.MaxPageSize
            ? TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["pageSize"] = [$"pageSize must be 1..{AuditQueries.MaxPageSize}"] })
            : TypedResults.Ok(await audit.ListAsync(string.IsNullOrEmpty(action) ? null : action, before, pageSize ?? 50, ct).ConfigureAwait(false));
}
