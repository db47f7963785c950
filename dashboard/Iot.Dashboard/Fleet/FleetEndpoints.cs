using Iot.Dashboard.Auth;

namespace Iot.Dashboard.Fleet;

public static class FleetEndpoints
{
    public static void MapFleetEndpoints(this IEndpointRouteBuilder api) =>
        api.MapGet("/devices", async (FleetQueries fleet, CancellationToken ct) => TypedResults.Ok(await fleet.DevicesAsync(ct).ConfigureAwait(false)))
            .WithTags("Fleet").RequireAuthorization(Policies.ManageDevices);
}
