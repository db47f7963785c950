using System.Net;
using System.Net.Http.Json;
using Iot.Security.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Iot.Security.Tests.Dashboard;

/// <summary>
/// With no proxy configured, an X-Forwarded-For header is the client's own claim: rotating it must not buy a fresh
/// sign-in budget (ASP.NET Core trusts loopback proxies by default; the dashboard must not).
/// </summary>
public sealed class ForwardedHeaderSpoofingTests(DashboardHost host, ITestOutputHelper output) : IClassFixture<DashboardHost>
{
    [Fact]
    public async Task A_forged_forwarded_address_does_not_reset_the_sign_in_budget()
    {
        using var client = host.Anonymous();
        var tried = 0;
        var refused = 0;
        try
        {
            // Default budget: 10 per minute per client address.
            for (var i = 1; i <= 13; i++)
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, "/api/auth/login") { Content = JsonContent.Create(new { email = $"n{i}@nowhere.test", password = "wrong" }) };
                request.Headers.Add("X-Forwarded-For", $"203.0.113.{i}");
                using var response = await client.SendAsync(request);
                if (i > 10)
                {
                    tried++;
                    var ok = response.StatusCode == HttpStatusCode.TooManyRequests;
                    refused += ok ? 1 : 0;
                    ProbeLedger.Record($"forged X-Forwarded-For 203.0.113.{i}", ok, ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture));
                }
            }
        }
        finally
        {
            output.WriteLine($"probes: {tried} tried, {refused} refused");
        }
    }
}
