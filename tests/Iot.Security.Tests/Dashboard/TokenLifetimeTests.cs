using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Iot.Dashboard.Auth;
using Iot.Dashboard.Hosting;
using Iot.Security.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using Xunit.Abstractions;
using static Iot.Security.Tests.Infrastructure.DashboardTenants;

namespace Iot.Security.Tests.Dashboard;

/// <summary>Tokens that should have stopped working: a replayed refresh token, a live stream past its token or account.</summary>
public sealed class TokenLifetimeTests(DashboardHost host, ITestOutputHelper output) : IClassFixture<DashboardHost>
{
    [Fact]
    public async Task Replaying_a_rotated_refresh_token_seconds_later_revokes_the_whole_sign_in()
    {
        using var probes = new DashboardProbeCount(output);
        using var client = host.Anonymous();
        var first = await (await client.PostAsJsonAsync("/api/auth/login", new LoginRequest(AlphaAnalyst, Password))).Content.ReadFromJsonAsync<TokenResponse>();
        using var rotated = await client.PostAsJsonAsync("/api/auth/refresh", new RefreshRequest(first!.RefreshToken));
        Assert.Equal(HttpStatusCode.OK, rotated.StatusCode);
        var second = await rotated.Content.ReadFromJsonAsync<TokenResponse>();

        // A stolen copy of the old token, replayed a few seconds after the owner's browser rotated it.
        await Task.Delay(TimeSpan.FromSeconds(6));
        using var replay = await client.PostAsJsonAsync("/api/auth/refresh", new RefreshRequest(first.RefreshToken));
        probes.Record("replay a rotated refresh token 6 s later", replay.StatusCode == HttpStatusCode.Unauthorized, ((int)replay.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture));
        using var owner = await client.PostAsJsonAsync("/api/auth/refresh", new RefreshRequest(second!.RefreshToken));
        probes.Record("the family's live token after the replay", owner.StatusCode == HttpStatusCode.Unauthorized, ((int)owner.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task The_fleet_stream_ends_when_its_token_expires()
    {
        using var probes = new DashboardProbeCount(output);
        var user = await host.Services.GetRequiredService<AuthStore>().UserByEmailAsync(AlphaSupervisor, CancellationToken.None);
        var options = host.Services.GetRequiredService<IOptions<DashboardOptions>>();

        // A token that expires a few seconds from now. On a loaded machine the stream may open (or send its first event)
        // only after that: such an attempt proves nothing either way, so a longer window is tried instead of failing.
        foreach (var window in new[] { TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(12), TimeSpan.FromSeconds(30) })
        {
            var expiresAt = DateTimeOffset.UtcNow + window;
            var clock = new FakeTimeProvider(expiresAt.AddMinutes(-options.Value.Auth.AccessTokenMinutes));
            using var client = host.Anonymous();
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", new TokenIssuer(options, clock).Issue(user!).Token);
            var run = await TryStreamLifetimeAsync(client, () => Task.CompletedTask, window + TimeSpan.FromSeconds(25));
            if (run is not { } opened)
            {
                Assert.True(DateTimeOffset.UtcNow >= expiresAt, "the stream refused a token that had not expired yet");
                continue;
            }

            // The dashboard re-checks the token on each poll (Dashboard:FleetPushSeconds): allow a few polls past expiry.
            var remaining = expiresAt - opened.FirstEventAt;
            var allowed = (remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero) + TimeSpan.FromSeconds(9);
            probes.Record(
                $"fleet stream with a token that expired {window.TotalSeconds:F0} s in: still open {allowed.TotalSeconds:F0} s after its first event",
                opened.Lasted < allowed,
                $"{opened.Lasted.TotalSeconds:F1} s");
            return;
        }

        Assert.Fail("the stream never opened before its token expired, even with a 30 s window");
    }

    [Fact]
    public async Task The_fleet_stream_ends_when_its_account_is_disabled()
    {
        using var probes = new DashboardProbeCount(output);
        using var client = await host.ClientAsAsync(AlphaTechnician);
        var lasted = await StreamLifetimeAsync(client, async () =>
        {
            await using var c = new NpgsqlConnection(host.ConnectionString);
            await c.OpenAsync();
            await using var disable = new NpgsqlCommand("UPDATE dashboard_users SET disabled_at = now() WHERE email = 'technician@alpha.test'", c);
            await disable.ExecuteNonQueryAsync();
        });
        probes.Record("fleet stream after its account was disabled", lasted < TimeSpan.FromSeconds(14), $"{lasted.TotalSeconds:F1} s");
    }

    /// <summary>Opens the stream, runs <paramref name="afterFirstEvent"/>, and returns how long the stream stayed open (capped at 25 s).</summary>
    private static async Task<TimeSpan> StreamLifetimeAsync(HttpClient client, Func<Task> afterFirstEvent)
    {
        var run = await TryStreamLifetimeAsync(client, afterFirstEvent, TimeSpan.FromSeconds(25));
        Assert.True(run.HasValue, "the stream was refused or sent no first event");
        return run.Value.Lasted;
    }

    /// <summary>
    /// Opens the stream and runs <paramref name="afterFirstEvent"/> after its first event; <c>null</c> when the stream was refused or sent no first event (a token
    /// that expired before the dashboard got to it); otherwise when the first event came and how long the stream lasted after.
    /// </summary>
    private static async Task<(DateTimeOffset FirstEventAt, TimeSpan Lasted)?> TryStreamLifetimeAsync(HttpClient client, Func<Task> afterFirstEvent, TimeSpan cap)
    {
        using var capped = new CancellationTokenSource(cap);
        using var response = await client.GetAsync("/api/devices/events", HttpCompletionOption.ResponseHeadersRead, capped.Token);
        if (response.StatusCode == HttpStatusCode.Unauthorized)
        {
            return null;
        }

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await using var stream = await response.Content.ReadAsStreamAsync(capped.Token);
        var started = System.Diagnostics.Stopwatch.StartNew();
        DateTimeOffset? firstEventAt = null;
        var buffer = new byte[8192];
        var seen = new StringBuilder();
        try
        {
            while (await stream.ReadAsync(buffer, capped.Token) is var n && n > 0)
            {
                seen.Append(Encoding.UTF8.GetString(buffer, 0, n));
                if (firstEventAt is null && seen.ToString().Contains("\n\n", StringComparison.Ordinal))
                {
                    firstEventAt = DateTimeOffset.UtcNow;
                    started.Restart();
                    await afterFirstEvent();
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Still open when the cap ran out.
        }

        return firstEventAt is { } at ? (at, started.Elapsed) : null;
    }
}

/// <summary>Development without a configured signing key must not accept tokens signed with a key from the source code.</summary>
public sealed class DevelopmentSigningKeyTests(DevelopmentDashboardHost host, ITestOutputHelper output) : IClassFixture<DevelopmentDashboardHost>
{
    /// <summary>The key the dashboard used to fall back to in Development (public in its source history).</summary>
    private const string SourceCodeKey = "development-only-signing-key-not-for-production-use-0123456789";

    [Fact]
    public async Task A_token_signed_with_the_old_source_code_key_is_refused_in_development()
    {
        using var probes = new DashboardProbeCount(output);
        var user = await host.Services.GetRequiredService<AuthStore>().UserByEmailAsync(AlphaAdmin, CancellationToken.None);
        var forgedOptions = Options.Create(new DashboardOptions { Auth = new AuthOptions { SigningKey = SourceCodeKey } });
        using var client = host.Anonymous();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", new TokenIssuer(forgedOptions, TimeProvider.System).Issue(user!).Token);
        using var response = await client.GetAsync("/api/users");
        probes.Record("admin token forged with the source-code key", response.StatusCode == HttpStatusCode.Unauthorized, ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture));

        // The process's own key still works: `dotnet run` needs no set-up.
        using var signedIn = await host.Anonymous().PostAsJsonAsync("/api/auth/login", new LoginRequest(AlphaAdmin, Password));
        Assert.Equal(HttpStatusCode.OK, signedIn.StatusCode);
    }
}
