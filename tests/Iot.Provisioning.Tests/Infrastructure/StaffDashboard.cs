using System.Net.Http.Headers;
using Dapper;
using Iot.Dashboard.Auth;
using Iot.TestSupport;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Iot.Provisioning.Tests.Infrastructure;

/// <summary>
/// The real dashboard over a <see cref="CloudNode"/>'s database, calling that bridge's operator API as its
/// <c>dashboard</c> caller, with one signed-in staff account of <see cref="CloudNode.Tenant"/>.
/// </summary>
public sealed class StaffDashboard : IAsyncDisposable
{
    private readonly Factory _factory;
    private readonly TempDirectory _storage;

    private StaffDashboard(Factory factory, TempDirectory storage, HttpClient client)
    {
        _factory = factory;
        _storage = storage;
        Client = client;
    }

    /// <summary>Carries a fresh access token of the staff account.</summary>
    public HttpClient Client { get; }

    public static async Task<StaffDashboard> StartAsync(CloudNode node, string email, string role)
    {
        await using (var c = new NpgsqlConnection(node.ConnectionString))
        {
            await c.ExecuteAsync(
                "INSERT INTO dashboard_users (user_id, tenant_id, email, display_name, role, branches, password_hash) VALUES (@id, @tenant, @email, @email, @role, NULL, @hash)",
                new { id = Guid.CreateVersion7(), tenant = CloudNode.Tenant, email, role, hash = PasswordHashing.Hash("unused password of the test") });
        }

        var storage = new TempDirectory("iot-prov-dash");
        var factory = new Factory(new Dictionary<string, string?>
        {
            ["Database:ConnectionString"] = node.ConnectionString,
            ["Dashboard:StorageRoot"] = storage.Path,
            ["Dashboard:DataDirectory"] = storage.Sub("data"),
            ["Dashboard:Auth:SigningKey"] = "provisioning-test-signing-key-0123456789abcdef01234567",
            ["Dashboard:Auth:SecureCookies"] = "false",
            ["Dashboard:OverviewRollupSeconds"] = "0",
            ["Dashboard:ProvisioningApi:Url"] = node.ApiUrl.ToString(),
            ["Dashboard:ProvisioningApi:Token"] = CloudNode.DashboardToken,
        });
        var user = await factory.Services.GetRequiredService<AuthStore>().UserByEmailAsync(email, CancellationToken.None)
            ?? throw new InvalidOperationException($"no user {email}");
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", factory.Services.GetRequiredService<TokenIssuer>().Issue(user).Token);
        return new StaffDashboard(factory, storage, client);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _factory.DisposeAsync();
        _storage.Dispose();
    }

    private sealed class Factory(Dictionary<string, string?> settings) : WebApplicationFactory<TokenIssuer>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Testing");
            builder.ConfigureAppConfiguration((_, config) => config.AddInMemoryCollection(settings));
        }
    }
}
