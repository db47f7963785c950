using Iot.Cloud.Storage;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Iot.Cloud.Hosting.Health;

/// <summary>
/// Ready only when the object store takes a write right now (endpoint up, credentials accepted, bucket present), or,
/// for a process that only reads audio (<paramref name="readOnly"/>), can be read: a misconfigured or unreachable
/// store shows here, naming its setting, instead of in the first failed chunk, job or playback.
/// </summary>
public sealed class AudioStoreHealthCheck(string section, IAudioStore store, bool readOnly = false) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            if (readOnly)
            {
                await store.ProbeReadAsync(cancellationToken).ConfigureAwait(false);
                return HealthCheckResult.Healthy($"{section}: {store.Location} is readable");
            }

            await store.ProbeAsync(cancellationToken).ConfigureAwait(false);
            return HealthCheckResult.Healthy($"{section}: {store.Location} is writable");
        }
        catch (AudioStoreUnavailableException ex)
        {
            // The registration decides how bad a failure is: unhealthy for a writer, degraded for the dashboard.
            return new HealthCheckResult(context.Registration.FailureStatus, $"{section}: {ex.Message}");
        }
    }
}
