using Iot.Cloud.Bridge.Ingest;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Iot.Cloud.Bridge.Hosting;

/// <summary>Ready only while the bridge's own MQTT session is up: without it no chunk reaches the bridge and no ack leaves.</summary>
internal sealed class BrokerHealthCheck(BridgeConnection connection) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(connection.IsConnected
            ? HealthCheckResult.Healthy("broker session connected")
            : HealthCheckResult.Unhealthy("broker session disconnected (the bridge keeps reconnecting)"));
}
