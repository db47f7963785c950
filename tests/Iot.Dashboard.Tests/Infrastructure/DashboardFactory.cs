using System.Net.Http.Headers;
using Iot.Dashboard.Auth;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Iot.Dashboard.Tests.Infrastructure;

/// <summary>
/// The real app (real PostgreSQL, real files) with test configuration on top of its own. Named by a dashboard type,
/// not <c>Program</c>: the bridge the fixtures start has a top-level Program too.
/// </summary>
public sealed class DashboardFactory(IReadOnlyDictionary<string, string?> settings) : WebApplicationFactory<TokenIssuer>
{
    public const string SigningKey = "test-signing-key-0123456789abcdef0123456789abcdef";

    public static Dictionary<string, string?> Defaults(string connectionString, string storageRoot) => new()
    {
        ["Database:ConnectionString"] = connectionString,
        ["Dashboard:StorageRoot"] = storageRoot,
        ["Dashboard:DataDirectory"] = Path.Combine(storageRoot, ".dashboard-data"),
        ["Dashboard:Auth:SigningKey"] = SigningKey,
        ["Dashboard:Auth:SecureCookies"] = "false",
        ["Dashboard:RateLimits:LoginPerMinute"] = "1000",
        ["Dashboard:RateLimits:ApiPerMinute"] = "100000",
        ["Dashboard:FleetPushSeconds"] = "1",
        ["Dashboard:AlertPushSeconds"] = "1",
    };

    /// <summary>A client carrying a fresh access token of the given seeded user.</summary>
    public async Task<HttpClient> ClientAsAsync(string email)
    {
        var user = await Services.GetRequiredService<AuthStore>().UserByEmailAsync(email, CancellationToken.None)
            ?? throw new InvalidOperationException($"no seeded user {email}");
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Services.GetRequiredService<TokenIssuer>().Issue(user).Token);
        return client;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.ConfigureAppConfiguration((_, config) => config.AddInMemoryCollection(settings));
    }
}
