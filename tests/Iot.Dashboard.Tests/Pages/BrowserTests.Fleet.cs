using Iot.Dashboard.Tests.Infrastructure;
using Npgsql;

namespace Iot.Dashboard.Tests.Pages;

public sealed partial class BrowserTests
{
    [Fact]
    public async Task The_fleet_filters_by_branch_and_state_and_the_device_page_shows_mic_backlog_agent_and_open_alerts_live()
    {
        var alerts = await SeedAlerts.WriteAsync(fx.ConnectionString);
        await SeedHealth.WriteAsync(fx.ConnectionString);
        try
        {
            var page = await fx.SignedInPageAsync(SeedData.AcmeAdmin);
            await page.GotoAsync("/fleet");
            Assert.Subset(
                (await page.Locator("#fleet tbody tr").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.device)")).ToHashSet(),
                new HashSet<string> { "acme-d1", "acme-d2" });

            // Branch and state from the filter form (a device another test approved has no alerts): only the north till,
            // and it stays alone once the live stream redraws.
            await page.SelectOptionAsync("#branch", "acme-north");
            await page.SelectOptionAsync("#state", "with-alerts");
            await page.ClickAsync("#apply");
            await page.WaitForPageAsync(new System.Text.RegularExpressions.Regex("branch=acme-north.*state=with-alerts"));
            await page.WaitForSelectorAsync("#live:has-text('Live: updated')");
            var row = page.Locator("#fleet tbody tr");
            Assert.Equal(1, await row.CountAsync());
            Assert.Equal("acme-d1", await row.GetAttributeAsync("data-device"));
            Assert.Contains(SeedHealth.NorthMic, await row.Locator(".mic").InnerTextAsync(), StringComparison.Ordinal);
            Assert.Equal("12 / 5.0 MB", await row.Locator(".backlog").InnerTextAsync());
            Assert.Equal("2.1.0", await row.Locator(".agent").InnerTextAsync());
            Assert.Equal("1 critical", await row.Locator(".alerts").InnerTextAsync());
            output.WriteLine("screenshot: " + await fx.ScreenshotAsync(page, "fleet-filtered"));

            // Another state, any branch: a missing microphone is the south till alone.
            await page.SelectOptionAsync("#branch", "");
            await page.SelectOptionAsync("#state", "mic-missing");
            await page.ClickAsync("#apply");
            await page.WaitForPageAsync(new System.Text.RegularExpressions.Regex("state=mic-missing"));
            await page.WaitForSelectorAsync("#live:has-text('Live: updated')");
            Assert.Equal(["acme-d2"], await page.Locator("#fleet tbody tr").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.device)"));
            Assert.Equal("missing", (await page.Locator("#fleet tbody tr .mic").InnerTextAsync()).Trim());
            Assert.Equal("700 / 300.0 MB", await page.Locator("#fleet tbody tr .backlog").InnerTextAsync());

            await page.GotoAsync("/fleet?branch=acme-north");
            await page.ClickAsync("tr[data-device='acme-d1'] a");
            await page.WaitForPageAsync(fx.BaseUrl + "/fleet/acme-d1");
            Assert.Equal("streaming", await page.InnerTextAsync("#mic"));
            Assert.Equal(SeedHealth.NorthMic, await page.InnerTextAsync("#mic-name"));
            Assert.Equal("Schedule", await page.InnerTextAsync("#trigger"));
            Assert.Equal("12 / 5.0 MB", await page.InnerTextAsync("#backlog"));
            Assert.Equal("75 %", await page.InnerTextAsync("#spool"));
            Assert.Equal("2.1.0", await page.InnerTextAsync("#agent-version"));
            Assert.Equal("first-connect", await page.InnerTextAsync("#reconnect-reason"));
            Assert.Equal(("yes", SeedHealth.NorthBroker), (await page.InnerTextAsync("#tls"), await page.InnerTextAsync("#broker")));
            Assert.Equal(("4", "3"), (await page.InnerTextAsync("#desired-version"), await page.InnerTextAsync("#reported-version")));
            Assert.Equal("Till 1 offline for 90 minutes", await page.InnerTextAsync($"#device-alerts li[data-alert='{alerts.AcmeNorth}'] .summary-text"));
            Assert.Equal(1, await page.Locator("#device-alerts li").CountAsync());

            // The microphone is unplugged: the page shows it without a reload.
            await using (var c = new NpgsqlConnection(fx.ConnectionString))
            {
                var now = DateTimeOffset.UtcNow;
                await SeedHealth.UpsertAsync(c, "acme", "acme-d1", "online", "first-connect", now.AddHours(-3), SeedHealth.NorthTelemetry(now) with { Mic = "missing", OutboxDepth = 40 });
            }

            await page.WaitForSelectorAsync("#mic.missing:has-text('missing')");
            Assert.StartsWith("40 / ", await page.InnerTextAsync("#backlog"), StringComparison.Ordinal);
            output.WriteLine("screenshot: " + await fx.ScreenshotAsync(page, "device-health"));
            await page.Context.DisposeAsync();
        }
        finally
        {
            await SeedAlerts.ClearAsync(fx.ConnectionString);
            await SeedHealth.ClearAsync(fx.ConnectionString);
        }
    }
}
