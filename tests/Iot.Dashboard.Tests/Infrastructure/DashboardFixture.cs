using System.Net.Http.Headers;
using Iot.Dashboard.Auth;
using Iot.TestSupport;
using Microsoft.Extensions.DependencyInjection;

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

    /// <summary>A client carrying a fresh access token of the given seeded user.</summary>
    public async Task<HttpClient> ClientAsAsync(string email)
    {
        var user = await Factory.Services.GetRequiredService<AuthStore>().UserByEmailAsync(email, CancellationToken.None)
            ?? throw new InvalidOperationException($"no seeded user {email}");
        var client = Factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Factory.Services.GetRequiredService<TokenIssuer>().Issue(user).Token);
        return client;
    }

    public async Task DisposeAsync()
    {
        if (Factory is not null)
        {
            await Factory.DisposeAsync();
        }

        _storage.Dispose();
    }
}
