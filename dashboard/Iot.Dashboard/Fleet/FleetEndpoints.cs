using Iot.Dashboard.Auth;

namespace Iot.Dashboard.Fleet;

public static class FleetEndpoints
{
    public static void MapFleetEndpoints(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/devices").WithTags("Fleet").RequireAuthorization(Policies.ManageDevices);
        group.MapGet("/", async (FleetQueries fleet, CancellationToken ct) => TypedResults.Ok(await fleet.DevicesAsync(ct).ConfigureAwait(false)));
        group.MapGet("/events", (FleetEvents events, Iot.Dashboard.Monitoring.DashboardMetrics metrics, HttpContext http, CancellationToken ct) => TypedResults.ServerSentEvents(metrics.Track(Iot.Dashboard.Monitoring.DashboardMetrics.FleetStream, events.StreamAsync(http.User, ct), ct)));
    }
}
