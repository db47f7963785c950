using Iot.Dashboard.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Iot.Dashboard.Opportunities;

/// <summary>
/// <c>GET /api/opportunities/missed</c>, <c>/declined</c>, <c>/items</c>. Who may read them is
/// <see cref="Policies.ReadPerformance"/> (as Performance: admins, supervisors, analysts); which rows, row security.
/// </summary>
public static class OpportunityEndpoints
{
    public static void MapOpportunityEndpoints(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/opportunities").WithTags("Opportunities").RequireAuthorization(Policies.ReadPerformance);
        group.MapGet("/missed", MissedAsync);
        group.MapGet("/declined", DeclinedAsync);
        group.MapGet("/items", ItemsAsync);
    }

    private static async Task<Results<Ok<OpportunityPage<MissedOpportunity>>, ValidationProblem>> MissedAsync(
        string? from, string? to, string? branch, string? device, string? @operator, string? cursor, int? pageSize, OpportunityQueries queries, CancellationToken ct)
    {
        var filter = new OpportunityFilter { From = from, To = to, Branch = branch, Device = device, Operator = @operator, Cursor = cursor, PageSize = pageSize };
        var errors = filter.Validate();
        return errors.Count > 0 ? TypedResults.ValidationProblem(errors) : TypedResults.Ok(await queries.MissedAsync(filter, ct).ConfigureAwait(false));
    }

    private static async Task<Results<Ok<OpportunityPage<DeclinedOffer>>, ValidationProblem>> DeclinedAsync(
        string? from, string? to, string? branch, string? device, string? @operator, string? cursor, int? pageSize, OpportunityQueries queries, CancellationToken ct)
    {
        var filter = new OpportunityFilter { From = from, To = to, Branch = branch, Device = device, Operator = @operator, Cursor = cursor, PageSize = pageSize };
        var errors = filter.Validate();
        return errors.Count > 0 ? TypedResults.ValidationProblem(errors) : TypedResults.Ok(await queries.DeclinedAsync(filter, ct).ConfigureAwait(false));
    }

    private static async Task<Results<Ok<TopItems>, ValidationProblem>> ItemsAsync(
        string? from, string? to, string? branch, string? device, string? @operator, string? sort, int? limit, OpportunityQueries queries, CancellationToken ct)
    {
        var filter = new OpportunityFilter { From = from, To = to, Branch = branch, Device = device, Operator = @operator, Sort = sort, Limit = limit };
        var errors = filter.Validate();
        return errors.Count > 0 ? TypedResults.ValidationProblem(errors) : TypedResults.Ok(await queries.ItemsAsync(filter, ct).ConfigureAwait(false));
    }
}
