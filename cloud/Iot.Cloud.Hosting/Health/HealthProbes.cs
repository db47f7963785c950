using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Iot.Cloud.Storage;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Iot.Cloud.Hosting.Health;

/// <summary>
/// <c>GET /health/live</c> and <c>GET /health/ready</c> for every cloud process (bridge, worker, dashboard), over
/// checks registered with <see cref="HealthCheckService"/>: live runs the checks tagged <see cref="LiveTag"/>, ready
/// those tagged <see cref="ReadyTag"/>. 200 when healthy (or degraded), 503 otherwise; the JSON names every check.
/// </summary>
public static class HealthProbes
{
    public const string LiveTag = "live";
    public const string ReadyTag = "ready";
    public const string DatabaseCheck = "database";
    public const string StorageCheck = "storage";
    public const string AudioStoreCheck = "audio-store";

    /// <summary>Long enough for a loaded database, short enough that a probe (typically 10 s) gets an answer that names the check.</summary>
    private static readonly TimeSpan CheckTimeout = TimeSpan.FromSeconds(5);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The host-lifetime liveness check and the database readiness check (reachable and migrated).</summary>
    public static IHealthChecksBuilder AddCloudHealthChecks(this IServiceCollection services) =>
        services.AddHealthChecks()
            .AddCheck<HostLifetimeHealthCheck>("host", HealthStatus.Unhealthy, [LiveTag])
            .Add(new HealthCheckRegistration(
                DatabaseCheck, sp => new DatabaseHealthCheck(sp.GetRequiredService<NpgsqlDataSource>()), HealthStatus.Unhealthy, [ReadyTag], CheckTimeout));

    /// <summary>
    /// A readiness check that a directory is writable. <paramref name="location"/> answers the directory and the
    /// configuration key that sets it, read when the check runs: from validated options, and after every
    /// configuration source (test hosts add theirs after services are registered).
    /// </summary>
    public static IHealthChecksBuilder AddStorageCheck(this IHealthChecksBuilder builder, Func<IServiceProvider, (string Key, string Root)> location, bool createIfMissing = false) =>
        builder.Add(new HealthCheckRegistration(
            StorageCheck,
            sp =>
            {
                var (key, root) = location(sp);
                return new StorageHealthCheck(key, root, createIfMissing);
            },
            HealthStatus.Unhealthy,
            [ReadyTag],
            CheckTimeout));

    /// <summary>
    /// The readiness check of the audio store configured in <paramref name="section"/>: for <c>Kind=Local</c> the
    /// directory check above on <c>{section}:Root</c> (unchanged), for <c>Kind=S3</c> a write probe of the bucket.
    /// </summary>
    public static IHealthChecksBuilder AddAudioStoreCheck(this IHealthChecksBuilder builder, string section) =>
        builder.Add(new HealthCheckRegistration(
            StorageCheck,
            sp => sp.GetRequiredService<IOptionsMonitor<AudioStoreOptions>>().Get(section) is { Kind: AudioStoreKind.Local } local
                ? new StorageHealthCheck($"{section}:Root", Path.GetFullPath(local.Root), createIfMissing: false)
                : new AudioStoreHealthCheck(section, sp.GetRequiredService<IAudioStore>()),
            HealthStatus.Unhealthy,
            [ReadyTag],
            CheckTimeout));

    /// <summary>
    /// The readiness check of a process that only reads audio (the dashboard): a read probe of the store configured
    /// in <paramref name="section"/>. A failure is <see cref="HealthStatus.Degraded"/>, not unhealthy: the probe says
    /// 200 with the store named as degraded, because everything but playback still works and a load balancer should
    /// keep sending staff to it.
    /// </summary>
    public static IHealthChecksBuilder AddAudioStoreReadCheck(this IHealthChecksBuilder builder, string section) =>
        builder.Add(new HealthCheckRegistration(
            AudioStoreCheck,
            sp => new AudioStoreHealthCheck(section, sp.GetRequiredService<IAudioStore>(), readOnly: true),
            HealthStatus.Degraded,
            [ReadyTag],
            CheckTimeout));

    /// <summary>
    /// Maps the two probes. <paramref name="checks"/> is the process's own service when the routes live on a separate
    /// small listener with a container of its own; null resolves it from <paramref name="endpoints"/>.
    /// </summary>
    public static RouteGroupBuilder MapHealthProbes(this IEndpointRouteBuilder endpoints, HealthCheckService? checks = null)
    {
        var group = endpoints.MapGroup("/health");
        group.MapGet("/live", (HttpContext http) => RespondAsync(http, checks, LiveTag));
        group.MapGet("/ready", (HttpContext http) => RespondAsync(http, checks, ReadyTag));
        return group;
    }

    private static async Task RespondAsync(HttpContext http, HealthCheckService? checks, string tag)
    {
        var service = checks ?? http.RequestServices.GetRequiredService<HealthCheckService>();
        var report = await service.CheckHealthAsync(r => r.Tags.Contains(tag), http.RequestAborted).ConfigureAwait(false);
        http.Response.StatusCode = report.Status == HealthStatus.Unhealthy ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK;

        // A probe result is about now; a cache in between would answer for a process that has since failed.
        http.Response.Headers.CacheControl = "no-store";

        // Descriptions only: exceptions (and their inner ones) may carry connection details and are left in the log.
        var body = new
        {
            status = Text(report.Status),
            checks = report.Entries.Select(e => new { name = e.Key, status = Text(e.Value.Status), description = e.Value.Description, durationMs = (long)e.Value.Duration.TotalMilliseconds }),
        };
        await http.Response.WriteAsJsonAsync(body, Json, http.RequestAborted).ConfigureAwait(false);
    }

    private static string Text(HealthStatus status) => status switch
    {
        HealthStatus.Healthy => "healthy",
        HealthStatus.Degraded => "degraded",
        _ => "unhealthy",
    };
}
