using System.Net;
using System.Net.Http.Json;
using Iot.Security.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;
using static Iot.Security.Tests.Infrastructure.DashboardTenants;

namespace Iot.Security.Tests.Dashboard;

/// <summary>
/// Password guessing against the sign-in: through a reverse proxy (addresses from X-Forwarded-For), rotating IPv6
/// addresses inside one /64, and from many addresses against one account. Each sign-in costs 600,000 PBKDF2 rounds, so
/// a locked account must be refused before the hash is computed.
/// </summary>
public sealed class LoginThrottlingTests(DashboardBehindProxyHost host, ITestOutputHelper output) : IClassFixture<DashboardBehindProxyHost>
{
    private int _tried;
    private int _refused;

    [Fact]
    public async Task Clients_behind_the_proxy_get_their_own_budget_and_ipv6_rotation_inside_a_64_shares_one()
    {
        try
        {
            using var client = host.Anonymous();

            // One attacker rotating through its /64: the budget is the prefix's, whatever the last 64 bits say.
            for (var i = 1; i <= DashboardBehindProxyHost.LoginPerMinute + 3; i++)
            {
                var status = await LoginAsync(client, $"nobody{i}@nowhere.test", "wrong password", $"2001:db8:aaaa:1::{i:x}");
                if (i > DashboardBehindProxyHost.LoginPerMinute)
                {
                    Probe($"IPv6 rotation inside 2001:db8:aaaa:1::/64, attempt {i}", status == HttpStatusCode.TooManyRequests, status);
                }
            }
        }
        finally
        {
            output.WriteLine($"probes: {_tried} tried, {_refused} refused");
        }

        // Other clients of the same proxy are not punished for it: another /64, an IPv4 client.
        using var other = host.Anonymous();
        Assert.Equal(HttpStatusCode.Unauthorized, await LoginAsync(other, "nobody@nowhere.test", "wrong password", "2001:db8:bbbb:2::1"));
        Assert.Equal(HttpStatusCode.Unauthorized, await LoginAsync(other, "nobody@nowhere.test", "wrong password", "198.51.100.7"));
    }

    [Fact]
    public async Task An_account_locks_after_repeated_failures_from_any_address_without_spending_pbkdf2_then_unlocks()
    {
        using var client = host.Anonymous();
        var address = 0;
        string Next() => $"2001:db8:{++address:x}::1";
        try
        {
            // Counted, not timed: the claim is that a locked e-mail runs no PBKDF2, which a busy machine cannot blur.
            var auth = host.Services.GetRequiredService<Iot.Dashboard.Auth.AuthService>();
            var checksBefore = auth.PasswordChecks;
            for (var i = 0; i < DashboardBehindProxyHost.LockoutThreshold; i++)
            {
                Assert.Equal(HttpStatusCode.Unauthorized, await LoginAsync(client, AlphaTechnician, "guess " + i, Next()));
            }

            Assert.Equal(checksBefore + DashboardBehindProxyHost.LockoutThreshold, auth.PasswordChecks);

            // Locked: even the right password is refused, and the refusal does not run the password hash.
            var checksLocked = auth.PasswordChecks;
            var status = await LoginAsync(client, AlphaTechnician, Password, Next());
            Probe("right password from a fresh address while the account is locked", status == HttpStatusCode.TooManyRequests, status);
            status = await LoginAsync(client, AlphaTechnician, "another guess", Next());
            Probe("another guess from a fresh address while locked", status == HttpStatusCode.TooManyRequests, status);
            Probe(
                $"locked refusals ran {auth.PasswordChecks - checksLocked} password hash(es)",
                auth.PasswordChecks == checksLocked,
                status);

            // An unknown e-mail locks the same way, so the lockout does not tell which accounts exist.
            for (var i = 0; i < DashboardBehindProxyHost.LockoutThreshold; i++)
            {
                await LoginAsync(client, "ghost@alpha.test", "guess " + i, Next());
            }

            status = await LoginAsync(client, "ghost@alpha.test", "guess", Next());
            Probe("unknown e-mail answers like a locked account", status == HttpStatusCode.TooManyRequests, status);
        }
        finally
        {
            output.WriteLine($"probes: {_tried} tried, {_refused} refused");
        }

        // The lock is short at first (backoff), and the owner gets in once it ends.
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        Assert.Equal(HttpStatusCode.OK, await LoginAsync(client, AlphaTechnician, Password, Next()));
    }

    private void Probe(string probe, bool refused, HttpStatusCode status)
    {
        _tried++;
        _refused += refused ? 1 : 0;
        ProbeLedger.Record(probe, refused, ((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    private static async Task<HttpStatusCode> LoginAsync(HttpClient client, string email, string password, string forwardedFor)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/auth/login") { Content = JsonContent.Create(new { email, password }) };
        request.Headers.Add("X-Forwarded-For", forwardedFor);
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }
}
