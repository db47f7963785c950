using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Iot.Security.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Iot.Security.Tests.Agent;

/// <summary>
/// The agent's loopback <c>POST /events</c> starts and stops recordings. Any web page open on the desk PC can send a
/// cross-site <c>fetch</c> to 127.0.0.1 (a "simple" request with text/plain needs no preflight), and a DNS-rebinding
/// page reaches it under its own host name. Probes against the real agent process: each must be refused; the desk
/// integration, with the token from the agent's file, JSON and a loopback Host, still gets through.
/// </summary>
public sealed class AgentEventsEndpointTests(AgentEventsHost agent, ITestOutputHelper output) : IClassFixture<AgentEventsHost>
{
    private int _visits;

    /// <summary>A new visit each time, so the recording controller accepts it whenever the request gets through.</summary>
    private string Visit() => $$"""{"type":"visit_call","transactionId":"t-probe-{{++_visits}}","operator":"mallory"}""";

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task Cross_site_rebinding_and_tokenless_event_posts_are_refused_and_the_desk_integration_gets_through()
    {
        using var probes = new DashboardProbeCount(output);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{agent.Port}") };
        var token = File.Exists(agent.TokenFile) ? (await File.ReadAllTextAsync(agent.TokenFile)).Trim() : "";

        async Task ProbeAsync(string probe, string contentType, string? host, string? origin, string? bearer)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/events") { Content = new StringContent(Visit(), Encoding.UTF8) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
            if (host is not null)
            {
                request.Headers.Host = host;
            }

            if (origin is not null)
            {
                request.Headers.Add("Origin", origin);
            }

            if (bearer is not null)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
            }

            using var response = await http.SendAsync(request);
            // Refused by the endpoint's guard, not by the recording rules (which answer 400 to a well-formed but unwanted event).
            probes.Record(probe, (int)response.StatusCode is 401 or 403 or 415 or 421, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }

        await ProbeAsync("cross-site simple fetch (text/plain, foreign Origin, no token)", "text/plain", null, "https://ads.example", null);
        await ProbeAsync("DNS rebinding (Host: evil.example, same-origin JSON, no token)", "application/json", $"evil.example:{agent.Port}", null, null);
        await ProbeAsync("local process without the token", "application/json", null, null, null);
        await ProbeAsync("local process with a wrong token", "application/json", null, null, "not-the-token");
        await ProbeAsync("token leaked to a web page: foreign Origin with the right token", "application/json", null, "https://ads.example", token.Length > 0 ? token : "x");
        await ProbeAsync("DNS rebinding with the right token", "application/json", $"evil.example:{agent.Port}", null, token.Length > 0 ? token : "x");
        await ProbeAsync("right token, form content type", "application/x-www-form-urlencoded", null, null, token.Length > 0 ? token : "x");

        // The desk integration: reads the token file, posts JSON to 127.0.0.1.
        Assert.True(token.Length >= 32, $"no token in {agent.TokenFile}\n{agent.Tail}");
        Assert.Equal(UnixFileMode.None, File.GetUnixFileMode(agent.TokenFile) & (UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.GroupWrite));
        foreach (var host in new[] { $"127.0.0.1:{agent.Port}", $"localhost:{agent.Port}" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/events") { Content = new StringContent(Visit(), Encoding.UTF8, "application/json") };
            request.Headers.Host = host;
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var ok = await http.SendAsync(request);
            Assert.True(ok.StatusCode == HttpStatusCode.Accepted, $"{host}: {(int)ok.StatusCode} {await ok.Content.ReadAsStringAsync()}\n{agent.Tail}");
        }
    }
}
