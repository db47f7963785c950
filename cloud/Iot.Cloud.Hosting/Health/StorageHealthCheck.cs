using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Iot.Cloud.Hosting.Health;

/// <summary>
/// Ready only when a file can be created and deleted under the directory the process writes audio to. Permissions,
/// a read-only remount or a full disk show up here instead of in the first failed chunk or job.
/// </summary>
/// <param name="key">The configuration key that names the directory, quoted in the description so operators know what to fix.</param>
/// <param name="root">The directory.</param>
/// <param name="createIfMissing">
/// True for a directory the process creates itself on first use (a cache); false for a data root, where a missing
/// directory usually means a volume that is not mounted and writing beside it would hide that.
/// </param>
public sealed class StorageHealthCheck(string key, string root, bool createIfMissing) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            if (createIfMissing)
            {
                // Owner-only, as the process would make it itself: a probe that runs first must not leave the
                // directory open to other users (the dashboard's audio cache holds joined recordings).
                if (OperatingSystem.IsWindows())
                {
                    Directory.CreateDirectory(root);
                }
                else
                {
                    Directory.CreateDirectory(root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
                }
            }
            else if (!Directory.Exists(root))
            {
                return HealthCheckResult.Unhealthy($"{key} '{root}' does not exist (volume not mounted?)");
            }

            // A unique name: several processes (bridge, worker, dashboard) may probe the same directory at once.
            var probe = Path.Combine(root, $".health-probe-{Environment.ProcessId}-{Guid.NewGuid():N}");
            await using (var stream = new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1, useAsync: true))
            {
                await stream.WriteAsync(new byte[] { 1 }, cancellationToken).ConfigureAwait(false);
                await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
            }

            File.Delete(probe);
            return HealthCheckResult.Healthy($"{key} '{root}' is writable");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return HealthCheckResult.Unhealthy($"{key} '{root}' is not writable: {ex.Message}");
        }
    }
}
