using System.Net;
using Iot.Dashboard.Auth;
using Iot.Dashboard.Tests.Infrastructure;
using Iot.TestSupport;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Serilog.Core;

namespace Iot.Dashboard.Tests.Hosting;

/// <summary>Issue 20 item 5: ending a started dashboard host must not log an error (as the bridge's did).</summary>
public sealed class ShutdownTests
{
    [Theory]
    [InlineData(ShutdownKind.StopThenDispose)]
    [InlineData(ShutdownKind.DisposeOnly)]
    public async Task A_started_dashboard_host_shuts_down_without_an_error_in_its_log(ShutdownKind kind)
    {
        using var storage = new TempDirectory("dash-stop");
        var settings = DashboardFactory.Defaults(await TestDatabase.CreateAsync("dash_stop"), storage.Path);
        settings["Serilog:MinimumLevel:Default"] = "Debug";
        settings["Dashboard:OverviewRollupSeconds"] = "1";
        var log = new LogCapture();
        var factory = new CapturingFactory(settings, log);
        try
        {
            using var client = factory.CreateClient();
            Assert.Equal(HttpStatusCode.OK, (await HealthProbe.GetAsync(client, "/health/ready")).Code);

            // Its background services are in their waits once the overview roll-up has made a pass.
            await Eventually.WaitAsync(
                () => Task.FromResult(log.Events.Any(e => e.MessageTemplate.Text.StartsWith("Overview roll-up", StringComparison.Ordinal))),
                TimeSpan.FromSeconds(30),
                "the overview roll-up's first pass",
                () => Task.FromResult(LogCapture.Describe(log.Events)));
            await HostShutdown.EndAsync(factory.Host!, kind);
        }
        finally
        {
            try
            {
                await factory.DisposeAsync();
            }
            catch (ObjectDisposedException)
            {
                // The host was ended above; the factory has nothing left to stop.
            }
        }

        var errors = HostShutdown.Faults(log, kind);
        Assert.True(errors.Count == 0, LogCapture.Describe(errors));
    }

    /// <summary><see cref="DashboardFactory"/>'s set-up plus a log sink, keeping the host so the test can end it.</summary>
    private sealed class CapturingFactory(Dictionary<string, string?> settings, LogCapture log) : WebApplicationFactory<TokenIssuer>
    {
        public IHost? Host { get; private set; }

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Testing");
            builder.ConfigureAppConfiguration((_, config) => config.AddInMemoryCollection(settings));
            builder.ConfigureServices(services => services.AddSingleton<ILogEventSink>(log));
        }

        protected override IHost CreateHost(IHostBuilder builder) => Host = base.CreateHost(builder);
    }
}
