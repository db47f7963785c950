using System.Net;
using Iot.Telemetry.Metrics;

namespace Iot.Dashboard.Monitoring;

/// <summary>Section <c>Dashboard:Metrics</c>: who may read <c>GET /metrics</c>.</summary>
public sealed class MetricsOptions
{
    /// <summary>Used when <see cref="AllowedNetworks"/> is empty.</summary>
    public static readonly string[] Loopback = ["127.0.0.0/8", "::1/128"];

    /// <summary>
    /// Client networks (CIDR) allowed to read <c>/metrics</c>; none = loopback only. The page needs no sign-in (a
    /// scraper has none), so it is limited by address like a probe port: add the Prometheus host's address deliberately.
    /// Behind a proxy the address is the one <c>Dashboard:Proxy</c> lets the forwarded headers name.
    /// </summary>
    /// <remarks>
    /// Empty rather than loopback by default because the configuration binder appends to an array's initial items:
    /// a default here could never be taken away, and behind a same-host proxy that is not listed in
    /// <c>Dashboard:Proxy</c> every visitor arrives from loopback.
    /// </remarks>
    public string[] AllowedNetworks { get; set; } = [];

    public IReadOnlyList<string> EffectiveNetworks => AllowedNetworks.Length == 0 ? Loopback : AllowedNetworks;
}

public static class MetricsEndpoints
{
    /// <summary>Counts every response by status class (after the endpoint has run, whatever it was).</summary>
    public static IApplicationBuilder UseResponseCounting(this IApplicationBuilder app) =>
        app.Use(async (http, next) =>
        {
            try
            {
                await next(http).ConfigureAwait(false);
            }
            finally
            {
                http.RequestServices.GetRequiredService<DashboardMetrics>().OnResponse(http.Response.StatusCode);
            }
        });

    /// <summary>
    /// <c>GET /metrics</c> without sign-in, for addresses in <see cref="MetricsOptions.AllowedNetworks"/> only; others
    /// get 404, as if there were no such page.
    /// </summary>
    public static IEndpointConventionBuilder MapDashboardMetrics(this IEndpointRouteBuilder endpoints, MetricsOptions options)
    {
        var allowed = options.EffectiveNetworks.Select(n => IPNetwork.Parse(n)).ToArray();
        return endpoints.MapGet("/metrics", (HttpContext http, DashboardMetrics metrics) =>
            Allowed(http.Connection.RemoteIpAddress, allowed)
                ? Results.Text(metrics.Render(), PrometheusText.ContentType)
                : Results.NotFound())
            .AllowAnonymous()
            .DisableRateLimiting()
            .ExcludeFromDescription();
    }

    internal static bool Allowed(IPAddress? address, IReadOnlyList<IPNetwork> allowed)
    {
        if (address is null)
        {
            return false;
        }

        var a = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
        return allowed.Any(n => n.Contains(a));
    }
}
