using System.Net;
using Iot.Dashboard.Tests.Infrastructure;
using Iot.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Iot.Dashboard.Tests.Monitoring;

/// <summary><c>GET /metrics</c>: no sign-in, but only for <c>Dashboard:Metrics:AllowedNetworks</c> (loopback by default).</summary>
public sealed class MetricsEndpointTests : IDisposable
{
    private readonly TempDirectory _dir = new("dash-metrics");

    public void Dispose() => _dir.Dispose();

    /// <summary>The test server has no socket: this sets the peer address a real connection would have.</summary>
    private sealed class Peer(IPAddress address) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((http, nextMiddleware) =>
            {
                http.Connection.RemoteIpAddress = address;
                return nextMiddleware(http);
            });
            next(app);
        };
    }

    private static HttpClient From(WebApplicationFactory<Iot.Dashboard.Auth.TokenIssuer> factory, string address) =>
        factory.WithWebHostBuilder(b => b.ConfigureServices(s => s.AddSingleton<IStartupFilter>(new Peer(IPAddress.Parse(address))))).CreateClient();

    [Fact]
    public async Task A_scraper_on_loopback_reads_the_metrics_without_signing_in()
    {
        await using var factory = new DashboardFactory(DashboardFactory.Defaults(await TestDatabase.CreateAsync("dash_metrics"), _dir.Path));
        using var client = From(factory, "127.0.0.1");
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/health/live", UriKind.Relative))).StatusCode);

        var response = await client.GetAsync(new Uri("/metrics", UriKind.Relative));
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.ToString(), StringComparison.Ordinal);
        Assert.Contains("iot_dashboard_info{version=", text, StringComparison.Ordinal);
        Assert.Contains("iot_dashboard_sse_streams_open{stream=\"fleet\"} 0\n", text, StringComparison.Ordinal);
        Assert.Contains("iot_dashboard_sse_streams_open{stream=\"alerts\"} 0\n", text, StringComparison.Ordinal);
        Assert.Matches(@"iot_dashboard_http_responses_total\{code=""2xx""\} [1-9]", text);
    }

    [Fact]
    public async Task Another_address_gets_404_even_claiming_loopback_in_a_forwarded_header_until_its_network_is_allowed()
    {
        var settings = DashboardFactory.Defaults(await TestDatabase.CreateAsync("dash_metrics_probe"), _dir.Path);
        await using (var factory = new DashboardFactory(settings))
        {
            using var outsider = From(factory, "203.0.113.9");
            using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
            request.Headers.Add("X-Forwarded-For", "127.0.0.1");

            var response = await outsider.SendAsync(request);

            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.DoesNotContain("iot_dashboard", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        settings["Dashboard:Metrics:AllowedNetworks:0"] = "203.0.113.0/24";
        await using (var factory = new DashboardFactory(settings))
        {
            using var scraper = From(factory, "203.0.113.9");
            using var neighbour = From(factory, "203.0.114.9");
            using var mapped = From(factory, "::ffff:203.0.113.9");
            // Configured networks replace loopback (behind an unlisted same-host proxy every visitor is loopback).
            using var local = From(factory, "127.0.0.1");

            Assert.Equal(HttpStatusCode.OK, (await scraper.GetAsync(new Uri("/metrics", UriKind.Relative))).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await mapped.GetAsync(new Uri("/metrics", UriKind.Relative))).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await neighbour.GetAsync(new Uri("/metrics", UriKind.Relative))).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await local.GetAsync(new Uri("/metrics", UriKind.Relative))).StatusCode);
        }
    }

    [Fact]
    public async Task A_network_that_is_not_CIDR_stops_start_up_with_exit_code_2_naming_the_key()
    {
        var connectionString = await TestDatabase.CreateAsync("dash_metrics_bad");
        var psi = new System.Diagnostics.ProcessStartInfo("dotnet")
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "iot-dashboard.dll"));
        psi.ArgumentList.Add("--Database:ConnectionString=" + connectionString);
        psi.ArgumentList.Add("--Dashboard:Auth:SigningKey=" + DashboardFactory.SigningKey);
        psi.ArgumentList.Add("--Dashboard:DataDirectory=" + _dir.Sub("data"));
        psi.ArgumentList.Add("--Dashboard:StorageRoot=" + _dir.Path);
        psi.ArgumentList.Add("--Dashboard:Metrics:AllowedNetworks:0=prometheus.internal");
        psi.ArgumentList.Add("--urls=http://127.0.0.1:" + FreePort.Next());
        psi.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        using var process = System.Diagnostics.Process.Start(psi)!;
        var stderr = process.StandardError.ReadToEndAsync();
        _ = process.StandardOutput.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }

        Assert.Equal(2, process.ExitCode);
        Assert.Contains("Dashboard:Metrics:AllowedNetworks 'prometheus.internal' is not a network in CIDR notation", await stderr, StringComparison.Ordinal);
    }
}
