using System.Net;
using Iot.Dashboard.Tests.Infrastructure;
using Iot.TestSupport;

namespace Iot.Dashboard.Tests.Hosting;

public sealed class HealthProbeTests : IDisposable
{
    private readonly TempDirectory _dir = new("dash-health");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Ready_is_200_without_signing_in_when_the_database_is_migrated_and_the_audio_cache_is_writable()
    {
        await using var factory = new DashboardFactory(DashboardFactory.Defaults(await TestDatabase.CreateAsync("dash_health"), _dir.Path));
        using var client = factory.CreateClient();

        var ready = await HealthProbe.GetAsync(client, "/health/ready");

        Assert.Equal(HttpStatusCode.OK, ready.Code);
        Assert.Equal("healthy", ready.Status);
        Assert.Equal(["audio-store", "database", "storage"], ready.Checks.Keys.Order(StringComparer.Ordinal));
        Assert.Empty(ready.Failing);
        Assert.Equal(HttpStatusCode.OK, (await HealthProbe.GetAsync(client, "/health/live")).Code);
    }

    [Fact]
    public async Task Ready_is_503_naming_the_database_when_it_is_unreachable_without_showing_the_connection_string_and_live_stays_200()
    {
        var settings = DashboardFactory.Defaults("Host=127.0.0.1;Port=1;Username=health;Password=not-for-probes;Database=nowhere", _dir.Path);
        settings["Dashboard:MigrateOnStart"] = "false";
        await using var factory = new DashboardFactory(settings);
        using var client = factory.CreateClient();

        var ready = await HealthProbe.GetAsync(client, "/health/ready");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.Code);
        Assert.Equal("unhealthy", ready.Status);
        Assert.Equal(["database"], ready.Failing);
        Assert.StartsWith("database unreachable", ready.Checks["database"].Description, StringComparison.Ordinal);
        Assert.DoesNotContain("not-for-probes", ready.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("Password", ready.Body, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(HttpStatusCode.OK, (await HealthProbe.GetAsync(client, "/health/live")).Code);
    }

    [Fact]
    public async Task Ready_is_503_naming_the_database_when_it_has_no_migrations_and_live_stays_200()
    {
        var settings = DashboardFactory.Defaults(await TestDatabase.CreateAsync("dash_health_fresh", migrate: false), _dir.Path);
        settings["Dashboard:MigrateOnStart"] = "false";
        await using var factory = new DashboardFactory(settings);
        using var client = factory.CreateClient();

        var ready = await HealthProbe.GetAsync(client, "/health/ready");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.Code);
        Assert.Equal(["database"], ready.Failing);
        Assert.Contains("not migrated", ready.Checks["database"].Description, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await HealthProbe.GetAsync(client, "/health/live")).Code);
    }

    [Fact]
    public async Task Ready_is_503_naming_storage_when_the_audio_cache_cannot_be_created_and_live_stays_200()
    {
        // Tests run as root, which ignores a read-only mode; a directory below a regular file cannot be made by anyone.
        var file = _dir.Sub("a-regular-file");
        await File.WriteAllTextAsync(file, "not a directory");
        var settings = DashboardFactory.Defaults(await TestDatabase.CreateAsync("dash_health_store"), _dir.Path);
        settings["Dashboard:AudioCacheDirectory"] = Path.Combine(file, "audio-cache");
        await using var factory = new DashboardFactory(settings);
        using var client = factory.CreateClient();

        var ready = await HealthProbe.GetAsync(client, "/health/ready");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.Code);
        Assert.Equal(["storage"], ready.Failing);
        Assert.StartsWith("Dashboard:AudioCacheDirectory ", ready.Checks["storage"].Description, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await HealthProbe.GetAsync(client, "/health/live")).Code);
    }
}
