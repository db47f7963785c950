using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Iot.TestSupport;

namespace Iot.Faults.Tests.ScaleOut;

/// <summary>
/// The real <c>iot-dashboard</c> executable as a child process with its own data and audio-cache directories,
/// reading audio only through the object store, with one seeded admin of tenant <c>acme</c>.
/// </summary>
public sealed class DashboardProcess : IAsyncDisposable
{
    public const string AdminEmail = "admin@acme.test";
    public const string AdminPassword = "scale-out-admin-2026";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    private readonly ChildProcess _child;

    private DashboardProcess(ChildProcess child, Uri address)
    {
        _child = child;
        Address = address;
    }

    public Uri Address { get; }

    public static async Task<DashboardProcess> StartAsync(string connectionString, string machineDirectory, IReadOnlyDictionary<string, string> extra)
    {
        var port = FreePort.Next();
        var child = MachineProcess.Start(
            "iot-dashboard.dll",
            new Dictionary<string, string>
            {
                ["urls"] = $"http://127.0.0.1:{port}",
                ["Database:ConnectionString"] = connectionString,
                // Nothing of a bridge's disk is on this machine: a Local store here would find no audio at all.
                ["Dashboard:StorageRoot"] = Path.Combine(machineDirectory, "no-bridge-disk"),
                ["Dashboard:DataDirectory"] = Path.Combine(machineDirectory, "data"),
                ["Dashboard:Auth:SigningKey"] = "scale-out-signing-key-0123456789abcdef0123456789",
                ["Dashboard:Auth:SecureCookies"] = "false",
                ["Dashboard:Seed:TenantId"] = "acme",
                ["Dashboard:Seed:AdminEmail"] = AdminEmail,
                ["Dashboard:Seed:AdminPassword"] = AdminPassword,
                ["Serilog:MinimumLevel:Default"] = "Information",
            },
            extra,
            machineDirectory,
            "dashboard.log");
        await child.WaitForLineAsync(line => line.Contains("Now listening on", StringComparison.Ordinal), StartTimeout, "the dashboard to listen");
        return new DashboardProcess(child, new Uri($"http://127.0.0.1:{port}"));
    }

    /// <summary>A client signed in as the seeded admin through the real login route.</summary>
    public async Task<HttpClient> SignInAsync()
    {
        var client = new HttpClient { BaseAddress = Address };
        using var login = await client.PostAsJsonAsync("/api/auth/login", new { email = AdminEmail, password = AdminPassword });
        var body = await login.Content.ReadAsStringAsync();
        Assert.True(login.IsSuccessStatusCode, $"login: {(int)login.StatusCode} {body}");
        using var json = JsonDocument.Parse(body);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", json.RootElement.GetProperty("accessToken").GetString());
        return client;
    }

    public string Tail(int lines = 20) => _child.Tail(lines);

    public async ValueTask DisposeAsync()
    {
        await _child.KillAsync();
        _child.Dispose();
    }
}
