using Iot.TestSupport;

namespace Iot.Dashboard.Tests.Infrastructure;

/// <summary>
/// One migrated database with <see cref="SeedData"/>, a bridge serving the operator API over it, and one app over both,
/// shared by a test class.
/// </summary>
public sealed class DashboardFixture : IAsyncLifetime
{
    private readonly TempDirectory _storage = new("iot-dash-storage");

    public DashboardFactory Factory { get; private set; } = null!;

    public ProvisioningBridge Bridge { get; private set; } = null!;

    public SeedData Seed { get; private set; } = null!;

    public string ConnectionString { get; private set; } = "";

    public string StorageRoot => _storage.Path;

    public async Task InitializeAsync()
    {
        ConnectionString = await TestDatabase.CreateAsync("dash");
        Seed = await SeedData.WriteAsync(ConnectionString, StorageRoot);
        Bridge = await ProvisioningBridge.StartAsync(ConnectionString);
        var settings = DashboardFactory.Defaults(ConnectionString, StorageRoot);
        Bridge.Configure(settings);
        Factory = new DashboardFactory(settings);
    }

    public Task<HttpClient> ClientAsAsync(string email) => Factory.ClientAsAsync(email);

    public async Task DisposeAsync()
    {
        if (Factory is not null)
        {
            await Factory.DisposeAsync();
        }

        if (Bridge is not null)
        {
            await Bridge.DisposeAsync();
        }

        _storage.Dispose();
    }
}
