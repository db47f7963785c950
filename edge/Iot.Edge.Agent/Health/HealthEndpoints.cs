using Iot.Telemetry.Metrics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Iot.Edge.Agent.Health;

public static class HealthEndpoints
{
    /// <summary><c>GET /health</c> (JSON; 200 ok, 503 error) and <c>GET /metrics</c> (Prometheus text).</summary>
    public static IEndpointRouteBuilder MapAgentHealth(this IEndpointRouteBuilder endpoints, AgentHealthProbe probe)
    {
        endpoints.MapGet("/health", (RequestDelegate)(context =>
        {
            var report = HealthReport.From(probe.Capture());
            context.Response.StatusCode = report.Status == "ok" ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable;
            context.Response.Headers.CacheControl = "no-store";
            return context.Response.WriteAsJsonAsync(report, HealthJsonContext.Default.HealthReport, contentType: null, context.RequestAborted);
        }));
        endpoints.MapGet("/metrics", (RequestDelegate)(context =>
        {
            context.Response.ContentType = PrometheusText.ContentType;
            context.Response.Headers.CacheControl = "no-store";
            return context.Response.WriteAsync(AgentMetrics.Render(probe.Capture()), context.RequestAborted);
        }));
        return endpoints;
    }
}
