using Iot.Dashboard.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Iot.Dashboard.Performance;

/// <summary>
/// <c>GET /api/performance</c>, <c>GET /api/trends</c>, <c>GET /api/trends/heatmap</c>. Who may read them is
/// <see cref="Policies.ReadPerformance"/>; which rows they see, row security.
/// </summary>
public static class PerformanceEndpoints
{
    public static void MapPerformanceEndpoints(this IEndpointRouteBuilder api)
    {
        api.MapGet("/performance", PerformanceAsync).WithTags("Performance").RequireAuthorization(Policies.ReadPerformance);
        var trends = api.MapGroup("/trends").WithTags("Performance").RequireAuthorization(Policies.ReadPerformance);
        trends.MapGet("/", TrendsAsync);
        trends.MapGet("/heatmap", HeatMapAsync);
    }

    private static async Task<Results<Ok<PerformanceReport>, ValidationProblem>> PerformanceAsync(
        string? by, string? from, string? to, string? branch, string? device, string? sort, PerformanceQueries queries, CancellationToken ct)
    {
        var filter = new PerformanceFilter { By = by, From = from, To = to, Branch = branch, Device = device, Sort = sort };
        var errors = filter.Validate();
        return errors.Count > 0 ? TypedResults.ValidationProblem(errors) : TypedResults.Ok(await queries.GetAsync(filter, ct).ConfigureAwait(false));
    }

    private static async Task<Results<Ok<TrendSeries>, ValidationProblem>> TrendsAsync(
        string? measure, string? interval, string? from, string? to, string? branch, string? device, TrendQueries queries, CancellationToken ct)
    {
        var filter = new PerformanceFilter { Measure = measure, Interval = interval, From = from, To = to, Branch = branch, Device = device };
        var errors = filter.Validate();
        return errors.Count > 0 ? TypedResults.ValidationProblem(errors) : TypedResults.Ok(await queries.SeriesAsync(filter, ct).ConfigureAwait(false));
    }

    private static async Task<Results<Ok<HeatMap>, ValidationProblem>> HeatMapAsync(
        string? from, string? to, string? branch, string? device, TrendQueries queries, CancellationToken ct)
    {
        var filter = new PerformanceFilter { From = from, To = to, Branch = branch, Device = device };
        var errors = filter.Validate();
        return errors.Count > 0 ? TypedResults.ValidationProblem(errors) : TypedResults.Ok(await queries.HeatMapAsync(filter, ct).ConfigureAwait(false));
    }
}
