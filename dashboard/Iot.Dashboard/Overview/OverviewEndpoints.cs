using Microsoft.AspNetCore.Http.HttpResults;

namespace Iot.Dashboard.Overview;

public static class OverviewEndpoints
{
    public static void MapOverviewEndpoints(this IEndpointRouteBuilder api) =>
        api.MapGet("/overview", GetAsync).WithTags("Overview");

    private static async Task<Results<Ok<OverviewKpis>, ValidationProblem>> GetAsync(DateTimeOffset? from, DateTimeOffset? to, OverviewQueries queries, CancellationToken ct) =>
        from > to
            ? TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["from"] = ["from must not be after to"] })
            : TypedResults.Ok(await queries.GetAsync(from, to, ct).ConfigureAwait(false));
}
