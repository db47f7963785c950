using Iot.Dashboard.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Iot.Dashboard.Fleet;

/// <summary>
/// <c>/api/devices</c>: the fleet list and its live stream, filtered by <c>branch</c> and <c>state</c> (<see cref="FleetFilter"/>).
/// Open-alert counts are filled only for callers of <see cref="Policies.ReadAlerts"/>.
/// </summary>
public static class FleetEndpoints
{
    public static void MapFleetEndpoints(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/devices").WithTags("Fleet").RequireAuthorization(Policies.ManageDevices);
        group.MapGet("/", ListAsync);
        group.MapGet("/events", StreamAsync);
    }

    private static async Task<Results<Ok<IReadOnlyList<FleetDevice>>, ValidationProblem>> ListAsync(
        string? branch, string? state, FleetQueries fleet, DeviceDetails details, HttpContext http, CancellationToken ct)
    {
        var (filter, errors) = FleetFilter.Parse(branch, state);
        return filter is null
            ? TypedResults.ValidationProblem(errors)
            : TypedResults.Ok(await fleet.DevicesAsync(filter, await details.CanReadAlertsAsync(http.User).ConfigureAwait(false), ct).ConfigureAwait(false));
    }

    private static async Task<IResult> StreamAsync(
        string? branch, string? state, FleetEvents events, DeviceDetails details, Iot.Dashboard.Monitoring.DashboardMetrics metrics, HttpContext http, CancellationToken ct)
    {
        var (filter, errors) = FleetFilter.Parse(branch, state);
        return filter is null
            ? TypedResults.ValidationProblem(errors)
            : TypedResults.ServerSentEvents(metrics.Track(
                Iot.Dashboard.Monitoring.DashboardMetrics.FleetStream,
                events.StreamAsync(http.User, filter, await details.CanReadAlertsAsync(http.User).ConfigureAwait(false), ct),
                ct));
    }
}
