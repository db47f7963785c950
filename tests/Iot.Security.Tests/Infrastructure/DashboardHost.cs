using System.Net.Http.Headers;
using Iot.Dashboard.Auth;
using Iot.TestSupport;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Iot.Security.Tests.Infrastructure;

/// <summary>
/// The real dashboard on a real Kestrel port over its own migrated database with <see cref="DashboardTenants"/>.
/// <see cref="TokenIssuer"/> names the dashboard assembly: both the bridge and the dashboard have a top-level Program.
/// </summary>
public class DashboardHost : IAsyncLifetime
{
    public const string SigningKey = "security-probe-signing-key-0123456789abcdef0123456789";

    /// <summary>An override under this key sets the host environment instead of a configuration value.</summary>
    public const string EnvironmentKey = "(environment)";

    private readonly TempDirectory _storage = new("iot-sec-dash");
    private readonly Dictionary<string, string?> _overrides;
    private HostFactory? _factory;

    public DashboardHost()
        : this([])
    {
    }

    /// <summary>For fixtures that need other settings (a subclass per set, since xUnit fixtures have one public constructor).</summary>
    protected DashboardHost(Dictionary<string, string?> overrides) => _overrides = overrides;

    public DashboardTenants Tenants { get; private set; } = null!;

    public string ConnectionString { get; private set; } = "";

    public string StorageRoot => _storage.Path;

    /// <summary>The dashboard's own data directory (Dashboard:DataDirectory).</summary>
    public string DataDirectory => _storage.Sub("dashboard-data");

    public Uri BaseAddress { get; private set; } = null!;

    public IServiceProvider Services => _factory!.Services;

    public async Task InitializeAsync()
    {
        ConnectionString = await TestDatabase.CreateAsync("sec_dash");
        Tenants = await DashboardTenants.WriteAsync(ConnectionString, StorageRoot);
        var settings = new Dictionary<string, string?>
        {
            ["Database:ConnectionString"] = ConnectionString,
            ["Dashboard:StorageRoot"] = StorageRoot,
            ["Dashboard:DataDirectory"] = DataDirectory,
            ["Dashboard:Auth:SigningKey"] = SigningKey,
            ["Dashboard:Auth:SecureCookies"] = "false",
            ["Dashboard:RateLimits:ApiPerMinute"] = "100000",
            ["Dashboard:FleetPushSeconds"] = "1",
            ["Dashboard:OverviewRollupSeconds"] = "0",
        };
        var environment = "Testing";
        foreach (var (key, value) in await StartDependenciesAsync(ConnectionString))
        {
            settings[key] = value;
        }

        foreach (var (key, value) in _overrides)
        {
            if (key == EnvironmentKey)
            {
                environment = value!;
                continue;
            }

            settings[key] = value;
        }

        var port = FreePort.Next();
        _factory = new HostFactory(settings, environment);
        _factory.UseKestrel(port);
        _factory.StartServer();
        BaseAddress = new Uri($"http://127.0.0.1:{port}");
    }

    /// <summary>Starts what this dashboard calls (none here) over its database; answers the settings that point it there.</summary>
    protected virtual Task<IReadOnlyDictionary<string, string?>> StartDependenciesAsync(string connectionString) =>
        Task.FromResult<IReadOnlyDictionary<string, string?>>(new Dictionary<string, string?>());

    /// <summary>A plain client of the real port (no token).</summary>
    public HttpClient Anonymous() => new() { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };

    /// <summary>A client carrying a fresh access token of the given seeded account.</summary>
    public async Task<HttpClient> ClientAsAsync(string email)
    {
        var user = await Services.GetRequiredService<AuthStore>().UserByEmailAsync(email, CancellationToken.None)
            ?? throw new InvalidOperationException($"no seeded user {email}");
        var client = Anonymous();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Services.GetRequiredService<TokenIssuer>().Issue(user).Token);
        return client;
    }

    public virtual async Task DisposeAsync()
    {
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }

        _storage.Dispose();
    }

    private sealed class HostFactory(Dictionary<string, string?> settings, string environment) : WebApplicationFactory<TokenIssuer>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment(environment);
            builder.ConfigureAppConfiguration((_, config) => config.AddInMemoryCollection(settings));
        }
    }
}
