using Iot.Cloud.Storage;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Iot.Cloud.Hosting.Health;

/// <summary>
/// Ready only when the object store takes a write right now (endpoint up, credentials accepted, bucket present):
/// a misconfigured or unreachable store shows here, naming its setting, instead of in the first failed chunk or job.
/// </summary>
public sealed class AudioStoreHealthCheck(string section, IAudioStore store) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await store.ProbeAsync(cancellationToken).ConfigureAwait(false);
            return HealthCheckResult.Healthy($"{section}: {store.Location} is writable");
        }
        catch (AudioStoreUnavailableException ex)
        {
            return HealthCheckResult.Unhealthy($"{section}: {ex.Message}");
        }
    }
}
