using System.Net;
using Iot.Integration.Tests.Infrastructure;
using Iot.TestSupport;

namespace Iot.Integration.Tests.Ingest;

[Collection(SystemCollection.Name)]
public sealed class BridgeHealthTests(PostgresServer postgres) : IAsyncLifetime
{
    private readonly TempDirectory _dir = new();
    private string _db = "";
    private BridgeNode _bridge = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _db = await postgres.CreateDatabaseAsync();
        _bridge = await BridgeNode.StartAsync(new BridgeSettings(_db, _dir.Sub("store"), FreePort.Next(), External: false));
        _http = new HttpClient { BaseAddress = _bridge.MetricsAddress };
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _bridge.DisposeAsync();
        _dir.Dispose();
    }

    [Fact]
    public async Task Ready_is_200_naming_database_broker_and_storage_when_all_are_well_and_the_old_health_route_still_answers()
    {
        var ready = await HealthProbe.GetAsync(_http, "/health/ready");

        Assert.Equal(HttpStatusCode.OK, ready.Code);
        Assert.Equal("healthy", ready.Status);
        Assert.Equal(["broker", "database", "storage"], ready.Checks.Keys.Order(StringComparer.Ordinal));
        Assert.Empty(ready.Failing);
        Assert.Empty(Directory.GetFiles(_bridge.StorageRoot, ".health-probe-*"));
        Assert.Equal(HttpStatusCode.OK, (await HealthProbe.GetAsync(_http, "/health/live")).Code);
        Assert.Contains("\"broker\":\"connected\"", await _http.GetStringAsync("/health"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ready_is_503_naming_the_database_when_its_journal_lacks_the_latest_migration_and_live_stays_200()
    {
        // As if a newer build ran against a database an older release left: the last script is not in the journal.
        Assert.Equal(1, await TestDatabase.ForgetNewestMigrationAsync(_db));

        var ready = await HealthProbe.GetAsync(_http, "/health/ready");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.Code);
        Assert.Equal(["database"], ready.Failing);
        Assert.Contains("not migrated: 1 of", ready.Checks["database"].Description, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await HealthProbe.GetAsync(_http, "/health/live")).Code);
    }

    [Fact]
    public async Task Ready_is_503_naming_storage_when_the_storage_root_is_gone_and_live_stays_200()
    {
        // A regular file where Storage:Root was: the volume vanished. (Tests run as root, so a read-only mode would not stop the probe.)
        Directory.Delete(_bridge.StorageRoot, recursive: true);
        await File.WriteAllTextAsync(_bridge.StorageRoot, "not a directory");

        var ready = await HealthProbe.GetAsync(_http, "/health/ready");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.Code);
        Assert.Equal(["storage"], ready.Failing);
        Assert.StartsWith("Storage:Root ", ready.Checks["storage"].Description, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await HealthProbe.GetAsync(_http, "/health/live")).Code);
    }

    [Fact]
    public async Task Ready_is_503_naming_the_broker_when_the_session_is_down_and_live_stays_200()
    {
        await _bridge.EmbeddedBroker!.StopAsync(CancellationToken.None);

        await Eventually.WaitAsync(() => Task.FromResult(!_bridge.Connection.IsConnected), TimeSpan.FromSeconds(20), "the bridge session to notice the broker stopped");

        var ready = await HealthProbe.GetAsync(_http, "/health/ready");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.Code);
        Assert.Equal(["broker"], ready.Failing);
        Assert.Equal(HttpStatusCode.OK, (await HealthProbe.GetAsync(_http, "/health/live")).Code);
    }
}
