using System.Net;
using System.Net.Http.Json;
using Iot.Dashboard.Auth;
using Iot.Dashboard.Tests.Infrastructure;
using Iot.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace Iot.Dashboard.Tests.Hosting;

public sealed class StartupTests
{
    [Fact]
    public async Task A_missing_signing_key_stops_start_up_with_exit_code_2_naming_the_key()
    {
        var connectionString = await TestDatabase.CreateAsync("dash_start");

        var (exitCode, stderr) = await RunUntilExitAsync(["--Database:ConnectionString=" + connectionString], new Dictionary<string, string>());

        Assert.Equal(2, exitCode);
        Assert.Contains("iot-dashboard: invalid configuration:\n  Dashboard:Auth:SigningKey must be set", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_DATABASE_URL_stops_start_up_naming_it_without_the_password_and_a_command_line_connection_string_overrides_it()
    {
        // The same rule as the bridge and the worker (Iot.Cloud.Data DatabaseUrl): DATABASE_URL over files and
        // IOT_DASHBOARD_* variables, a --Database:ConnectionString argument over DATABASE_URL.
        var environment = new Dictionary<string, string> { ["DATABASE_URL"] = "postgres://iot:hunter2@db.example:notaport/iot" };
        var signingKey = "--Dashboard:Auth:SigningKey=" + Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(48));

        var (exitCode, stderr) = await RunUntilExitAsync([signingKey], environment);

        Assert.Equal(2, exitCode);
        Assert.Contains("iot-dashboard: invalid configuration:\n  Database:ConnectionString (from DATABASE_URL) is a postgres:// URL that cannot be parsed", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", stderr, StringComparison.Ordinal);

        // With the argument the database setting is fine, and the first thing missing is the signing key.
        var connectionString = await TestDatabase.CreateAsync("dash_start_url");
        (exitCode, stderr) = await RunUntilExitAsync(["--Database:ConnectionString=" + connectionString], environment);

        Assert.Equal(2, exitCode);
        Assert.Contains("Dashboard:Auth:SigningKey must be set", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Database:ConnectionString", stderr, StringComparison.Ordinal);
    }

    private static async Task<(int ExitCode, string Stderr)> RunUntilExitAsync(IEnumerable<string> args, IReadOnlyDictionary<string, string> environment)
    {
        var psi = new System.Diagnostics.ProcessStartInfo("dotnet")
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "iot-dashboard.dll"));
        foreach (var arg in args)
        {
            psi.ArgumentList.Add(arg);
        }

        psi.ArgumentList.Add("--urls=http://127.0.0.1:" + FreePort.Next());
        psi.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        psi.Environment.Remove("DATABASE_URL");
        foreach (var (name, value) in environment)
        {
            psi.Environment[name] = value;
        }

        using var process = System.Diagnostics.Process.Start(psi)!;
        var stderr = process.StandardError.ReadToEndAsync();
        _ = process.StandardOutput.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await process.WaitForExitAsync(cts.Token);
        return (process.ExitCode, await stderr);
    }

    [Fact]
    public async Task The_seed_admin_from_configuration_can_sign_in_and_is_created_once()
    {
        var settings = DashboardFactory.Defaults(await TestDatabase.CreateAsync("dash_seed"), Path.GetTempPath());
        settings["Dashboard:Seed:TenantId"] = "demo";
        settings["Dashboard:Seed:AdminEmail"] = "first@demo.test";
        settings["Dashboard:Seed:AdminPassword"] = "a long enough password";
        for (var run = 0; run < 2; run++)
        {
            await using var factory = new DashboardFactory(settings);
            using var client = factory.CreateClient();
            var response = await client.PostAsJsonAsync("/api/auth/login", new LoginRequest("first@demo.test", "a long enough password"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(Roles.Admin, (await response.Content.ReadFromJsonAsync<TokenResponse>())!.Role);
        }
    }

    [Fact]
    public async Task Sign_in_attempts_beyond_the_limit_get_429()
    {
        var settings = DashboardFactory.Defaults(await TestDatabase.CreateAsync("dash_rate"), Path.GetTempPath());
        settings["Dashboard:RateLimits:LoginPerMinute"] = "3";
        await using var factory = new DashboardFactory(settings);
        using var client = factory.CreateClient();
        var codes = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
        {
            codes.Add((await client.PostAsJsonAsync("/api/auth/login", new LoginRequest("nobody@x.test", "whatever password"))).StatusCode);
        }

        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], codes);
    }

    [Fact]
    public async Task Api_requests_beyond_the_per_user_limit_get_429()
    {
        var settings = DashboardFactory.Defaults(await TestDatabase.CreateAsync("dash_api_rate"), Path.GetTempPath());
        settings["Dashboard:RateLimits:ApiPerMinute"] = "3";
        await using var factory = new DashboardFactory(settings);
        // Tokens are checked against their account on every request, so the user must exist.
        var store = factory.Services.GetRequiredService<AuthStore>();
        await store.SeedUserAsync("t", "a@t.test", Roles.Admin, PasswordHashing.Hash("a fine long password"), CancellationToken.None);
        var token = factory.Services.GetRequiredService<TokenIssuer>().Issue((await store.UserByEmailAsync("a@t.test", CancellationToken.None))!).Token;
        using var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", token);
        var codes = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            codes.Add((await client.GetAsync("/api/settings")).StatusCode);
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], codes);
    }
}
