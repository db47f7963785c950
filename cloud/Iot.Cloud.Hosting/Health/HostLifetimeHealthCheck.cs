using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace Iot.Cloud.Hosting.Health;

/// <summary>
/// Liveness: the process answers and its host is not shutting down. Deliberately no dependency: a restart does not fix
/// a database outage, so a supervisor must not kill the process for one (that is what ready is for).
/// </summary>
public sealed class HostLifetimeHealthCheck(IHostApplicationLifetime lifetime) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(lifetime.ApplicationStopping.IsCancellationRequested
            ? HealthCheckResult.Unhealthy("host is stopping")
            : HealthCheckResult.Healthy(lifetime.ApplicationStarted.IsCancellationRequested ? "host running" : "host starting"));
}
