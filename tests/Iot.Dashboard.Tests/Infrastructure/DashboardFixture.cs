using Iot.TestSupport;

namespace Iot.Dashboard.Tests.Infrastructure;

/// <summary>One migrated database with <see cref="SeedData"/> and one app over it, shared by a test class.</summary>
public sealed class DashboardFixture : IAsyncLifetime
{
    private readonly TempDirectory _storage = new("iot-dash-storage");

    public DashboardFactory Factory { get; private set; } = null!;

    public SeedData Seed { get; private set; } = null!;

    public string ConnectionString { get; private set; } = "";

    public string StorageRoot => _storage.Path;

    public async Task InitializeAsync()
    {
        ConnectionString = await TestDatabase.CreateAsync("dash");
        Seed = await SeedData.WriteAsync(ConnectionString, StorageRoot);
        Factory = new DashboardFactory(DashboardFactory.Defaults(ConnectionString, StorageRoot));
    }

    public Task<HttpClient> ClientAsAsync(string email) => Factory.ClientAsAsync(email);

    public async Task DisposeAsync()
    {
        if (Factory is not null)
        {
            await Factory.DisposeAsync();
        }

        _storage.Dispose();
    }
}
