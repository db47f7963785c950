using System.Net;
using Iot.Cloud.Worker.Hosting;
using Iot.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Iot.Cloud.Pipeline.Tests.Jobs;

public sealed class WorkerHealthTests : IDisposable
{
    private readonly TempDirectory _dir = new("worker-health");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Ready_is_200_naming_database_and_storage_once_the_worker_has_migrated_and_can_write()
    {
        var db = await TestDatabase.CreateAsync("worker_health", migrate: false);
        using var host = await StartAsync(db, _dir.Path);
        using var http = Client(host);

        var ready = await HealthProbe.GetAsync(http, "/health/ready");

        Assert.Equal(HttpStatusCode.OK, ready.Code);
        Assert.Equal(["database", "storage"], ready.Checks.Keys.Order(StringComparer.Ordinal));
        Assert.Empty(ready.Failing);
        Assert.Equal(HttpStatusCode.OK, (await HealthProbe.GetAsync(http, "/health/live")).Code);
    }

    [Fact]
    public async Task Ready_is_503_naming_storage_when_the_pipeline_storage_root_cannot_exist_and_live_stays_200()
    {
        // Tests run as root, which ignores a read-only mode; no one can have a directory below a regular file.
        var file = _dir.Sub("a-regular-file");
        await File.WriteAllTextAsync(file, "not a directory");
        using var host = await StartAsync(await TestDatabase.CreateAsync("worker_health_store"), Path.Combine(file, "store"));
        using var http = Client(host);

        var ready = await HealthProbe.GetAsync(http, "/health/ready");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.Code);
        Assert.Equal(["storage"], ready.Failing);
        Assert.StartsWith("Pipeline:Storage:Root ", ready.Checks["storage"].Description, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await HealthProbe.GetAsync(http, "/health/live")).Code);
    }

    [Fact]
    public async Task Ready_is_503_naming_the_database_when_its_journal_lacks_the_latest_migration_and_live_stays_200()
    {
        var db = await TestDatabase.CreateAsync("worker_health_schema");
        using var host = await StartAsync(db, _dir.Path);
        using var http = Client(host);

        // As if a newer worker ran against a database an older release left: the last script is not in the journal.
        Assert.Equal(1, await TestDatabase.ForgetNewestMigrationAsync(db));

        var ready = await HealthProbe.GetAsync(http, "/health/ready");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.Code);
        Assert.Equal(["database"], ready.Failing);
        Assert.Contains("not migrated: 1 of", ready.Checks["database"].Description, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await HealthProbe.GetAsync(http, "/health/live")).Code);
    }

    [Fact]
    public async Task Metrics_on_the_health_listener_give_prometheus_the_workers_job_counters_without_signing_in()
    {
        using var host = await StartAsync(await TestDatabase.CreateAsync("worker_metrics"), _dir.Path);
        using var http = Client(host);

        var response = await http.GetAsync(new Uri("/metrics", UriKind.Relative));
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.ToString(), StringComparison.Ordinal);
        Assert.Contains("\niot_worker_up 1\n", "\n" + text, StringComparison.Ordinal);
        Assert.Contains("# TYPE iot_jobs_claimed_total counter\n", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE iot_jobs_depth gauge\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_health_listener_setting_stops_start_up_naming_the_key()
    {
        using var host = WorkerHost.CreateBuilder(["--Database:ConnectionString=Host=127.0.0.1;Database=x", "--Worker:Health:Port=70000", "--Worker:Health:ListenAddress=localhost"]).Build();

        var ex = Assert.Throws<OptionsValidationException>(() => host.Services.GetRequiredService<IOptions<WorkerHealthOptions>>().Value);

        Assert.Contains("Worker:Health:Port 70000 must be 0..65535 (0 = any free port)", ex.Failures);
        Assert.Contains("Worker:Health:ListenAddress 'localhost' must be an IP address", ex.Failures);
    }

    private static async Task<IHost> StartAsync(string connectionString, string storageRoot)
    {
        var host = WorkerHost.CreateBuilder([], new Dictionary<string, string?>
        {
            ["Database:ConnectionString"] = connectionString,
            ["Pipeline:Storage:Root"] = storageRoot,
            ["Worker:Health:Port"] = "0",
            ["Serilog:MinimumLevel:Default"] = "Fatal",
        }).Build();
        await host.StartAsync();
        return host;
    }

    private static HttpClient Client(IHost host) => new() { BaseAddress = new Uri(host.Services.GetRequiredService<HealthEndpoint>().Addresses[0]) };
}
