using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Iot.Provisioning.Api;

/// <summary><c>GET /v1/alerts?state=open|all&amp;limit=</c>, behind the same caller check and scope as every other route.</summary>
public static class AlertApiEndpoints
{
    public static void MapAlertApi(this RouteGroupBuilder v1)
    {
        v1.MapGet("/alerts", (string? state, int? limit, HttpContext http, AlertActions a, CancellationToken ct) =>
            AlertActions.Check(state, limit) is { } problem ? Task.FromResult(ProvisioningApiEndpoints.Invalid(problem))
            : ProvisioningApiEndpoints.Run(async () => Results.Json(await a.ListAsync(
                ProvisioningApiEndpoints.ScopeOf(http), state ?? AlertActions.Open, limit ?? AlertActions.DefaultLimit, ct).ConfigureAwait(false))));
    }
}
