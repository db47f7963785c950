using Dapper;
using Iot.Dashboard.Tests.Infrastructure;
using Npgsql;

namespace Iot.Dashboard.Tests.Pages;

public sealed partial class BrowserTests
{
    [Fact]
    public async Task The_bell_counts_open_alerts_live_and_acknowledging_one_on_the_alerts_screen_lowers_it()
    {
        var alerts = await SeedAlerts.WriteAsync(fx.ConnectionString);
        try
        {
            var page = await fx.SignedInPageAsync(SeedData.AcmeAdmin);

            // Acme's three open alerts (north, south, tenant-wide); not Globex's, not the resolved one.
            await page.WaitForSelectorAsync("#alert-bell[data-count='3']");
            Assert.Equal("3", await page.InnerTextAsync("#alert-count"));
            Assert.Contains("critical", await page.GetAttributeAsync("#alert-bell", "class") ?? "", StringComparison.Ordinal);

            await page.ClickAsync("#alert-bell");
            await page.WaitForPageAsync(fx.BaseUrl + "/alerts");
            Assert.Equal(3, await page.Locator("#alerts tbody tr").CountAsync());
            var south = page.Locator($"#alerts tr[data-alert='{alerts.AcmeSouth}'] .summary-text");
            Assert.Equal(SeedAlerts.SouthSummary, await south.InnerTextAsync());
            Assert.Equal(0, await south.Locator("b").CountAsync());
            Assert.DoesNotContain("Globex", await page.InnerTextAsync("main"), StringComparison.Ordinal);

            // The evaluator opens another alert: the row and the count arrive without a reload.
            await using var c = new NpgsqlConnection(fx.ConnectionString);
            var added = await SeedAlerts.InsertAsync(c, "acme", "acme-north", "acme-d1", "crash-loop", "critical", "Till 1 restarted <i>5</i> times in an hour", TimeSpan.Zero);
            await page.WaitForSelectorAsync($"#alerts tr[data-alert='{added}']");
            await page.WaitForSelectorAsync("#alert-bell[data-count='4']");
            Assert.Equal("Till 1 restarted <i>5</i> times in an hour", await page.InnerTextAsync($"#alerts tr[data-alert='{added}'] .summary-text"));
            await page.WaitForSelectorAsync("#alerts-live:has-text('Live: updated')");
            output.WriteLine("screenshot: " + await fx.ScreenshotAsync(page, "alerts"));

            await page.ClickAsync($"#alerts tr[data-alert='{alerts.AcmeNorth}'] button.acknowledge");
            await page.WaitForSelectorAsync(".notice");
            Assert.Contains($"Alert {alerts.AcmeNorth} acknowledged.", await page.InnerTextAsync(".notice"), StringComparison.Ordinal);
            await page.WaitForSelectorAsync($"#alerts tr[data-alert='{alerts.AcmeNorth}'][data-state='acknowledged']");
            Assert.Equal("acknowledged by " + SeedData.AcmeAdmin, await page.InnerTextAsync($"#alerts tr[data-alert='{alerts.AcmeNorth}'] .ack"));
            Assert.Equal(0, await page.Locator($"#alerts tr[data-alert='{alerts.AcmeNorth}'] button.acknowledge").CountAsync());
            await page.WaitForSelectorAsync("#alert-bell[data-count='3']");
            Assert.Equal(SeedData.AcmeAdmin, await c.ExecuteScalarAsync<string>("SELECT acknowledged_by FROM alerts WHERE alert_id = @id", new { id = alerts.AcmeNorth }));
            output.WriteLine("screenshot: " + await fx.ScreenshotAsync(page, "alerts-acknowledged"));

            // The history: resolved alerts behind the state filter.
            await page.SelectOptionAsync("#state", "resolved");
            await page.ClickAsync("#apply");
            await page.WaitForPageAsync(new System.Text.RegularExpressions.Regex("state=resolved"));
            Assert.Equal(1, await page.Locator($"#alerts tr[data-alert='{alerts.AcmeNorthResolved}']").CountAsync());
            Assert.Equal(1, await page.Locator("#alerts tbody tr").CountAsync());
            await page.Context.DisposeAsync();

            // A technician sees the alerts but gets no Acknowledge button; an analyst has no bell at all.
            var technician = await fx.SignedInPageAsync(SeedData.AcmeTechnician);
            await technician.GotoAsync("/alerts");
            await technician.WaitForSelectorAsync("#alert-bell[data-count='3']");
            Assert.Equal(4, await technician.Locator("#alerts tbody tr").CountAsync());
            Assert.Equal(0, await technician.Locator("#alerts button.acknowledge").CountAsync());
            await technician.Context.DisposeAsync();

            var analyst = await fx.SignedInPageAsync(SeedData.AcmeAnalyst);
            Assert.Equal(0, await analyst.Locator("#alert-bell").CountAsync());
            await analyst.Context.DisposeAsync();
        }
        finally
        {
            await SeedAlerts.ClearAsync(fx.ConnectionString);
        }
    }

    [Fact]
    public async Task An_admin_tunes_a_threshold_and_adds_a_webhook_whose_secret_is_shown_only_once()
    {
        try
        {
            var page = await fx.SignedInPageAsync(SeedData.AcmeAdmin);
            await page.GotoAsync("/settings");
            await page.ClickAsync("#alert-settings-link");
            await page.WaitForPageAsync(fx.BaseUrl + "/settings/alerts");
            Assert.Equal("60", await page.GetAttributeAsync("tr[data-rule='device-offline'] input.threshold", "placeholder"));

            await page.FillAsync("tr[data-rule='device-offline'] input.threshold", "20");
            await page.SelectOptionAsync("tr[data-rule='backlog-mb'] select.enabled", "false");
            await page.ClickAsync("#save-rules");
            await page.WaitForSelectorAsync(".notice");
            Assert.Equal("20", await page.InputValueAsync("tr[data-rule='device-offline'] input.threshold"));
            Assert.Equal("false", await page.InputValueAsync("tr[data-rule='backlog-mb'] select.enabled"));

            // A public plain-http URL is refused with the reason; nothing is stored.
            await page.FillAsync("#add-webhook input[name=name]", "Ops Slack");
            await page.FillAsync("#add-webhook input[name=url]", "http://hooks.example.com/x");
            await page.ClickAsync("#add-webhook button");
            await page.WaitForSelectorAsync("#errors li[data-field='url']");
            Assert.Contains("must use https", await page.InnerTextAsync("#errors"), StringComparison.Ordinal);

            await page.FillAsync("#add-webhook input[name=name]", "Ops Slack");
            await page.FillAsync("#add-webhook input[name=url]", "https://hooks.slack.example/services/T1/B2/secretpath77");
            await page.SelectOptionAsync("#add-webhook select[name=template]", "slack");
            await page.ClickAsync("#add-webhook button");
            await page.WaitForSelectorAsync("#new-secret");
            var secret = await page.InputValueAsync("#secret-value");
            await using var c = new NpgsqlConnection(fx.ConnectionString);
            Assert.Equal(secret, await c.ExecuteScalarAsync<string>("SELECT secret FROM alert_channels WHERE name = 'Ops Slack'"));
            Assert.Contains("https://hooks.slack.example/…th77", await page.InnerTextAsync("#channels"), StringComparison.Ordinal);
            output.WriteLine("screenshot: " + await fx.ScreenshotAsync(page, "alert-settings"));

            await page.GotoAsync("/settings/alerts");
            Assert.Equal(0, await page.Locator("#new-secret").CountAsync());
            Assert.DoesNotContain(secret, await page.ContentAsync(), StringComparison.Ordinal);
            Assert.DoesNotContain("secretpath77", await page.ContentAsync(), StringComparison.Ordinal);
            Assert.Equal(1, await page.Locator("#channels tbody tr").CountAsync());
            await page.Context.DisposeAsync();
        }
        finally
        {
            await SeedAlerts.ClearAsync(fx.ConnectionString);
        }
    }
}
