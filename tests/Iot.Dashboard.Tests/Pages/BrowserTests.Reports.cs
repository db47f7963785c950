using Dapper;
using Iot.Dashboard.Tests.Infrastructure;
using Npgsql;

namespace Iot.Dashboard.Tests.Pages;

public sealed partial class BrowserTests
{
    [Fact]
    public async Task A_branch_supervisor_subscribes_to_a_weekly_report_of_their_branch_only_and_removes_it()
    {
        var page = await fx.SignedInPageAsync(SeedData.AcmeNorthSupervisor);
        await page.GotoAsync("/reports");

        // Only the supervisor's own branch is offered, for the download and for the mail.
        Assert.Equal(["", "acme-north"], await page.Locator("#subscribe select[name=branch] option").EvaluateAllAsync<string[]>("os => os.map(o => o.value)"));
        Assert.Equal(["", "acme-north"], await page.Locator("#summary-form select[name=branch] option").EvaluateAllAsync<string[]>("os => os.map(o => o.value)"));
        Assert.True(await page.Locator("#mail-off").IsVisibleAsync());

        await page.SelectOptionAsync("#subscribe select[name=cadence]", "weekly");
        await page.SelectOptionAsync("#subscribe select[name=format]", "xlsx");
        await page.SelectOptionAsync("#subscribe select[name=branch]", "acme-north");
        await page.FillAsync("#subscribe input[name=operator]", "op-anna");
        await page.ClickAsync("#subscribe-button");
        await page.WaitForSelectorAsync(".notice");
        Assert.Contains("Subscribed: weekly xlsx report.", await page.InnerTextAsync(".notice"), StringComparison.Ordinal);
        var row = page.Locator("#subscription-list tbody tr");
        Assert.Equal(1, await row.CountAsync());
        var cells = await row.Locator("td").AllInnerTextsAsync();
        Assert.Equal(["week", "XLSX", "North", "op-anna", "none yet"], cells.Take(5));
        output.WriteLine("screenshot: " + await fx.ScreenshotAsync(page, "reports-subscriptions"));

        // The summary download from the same page: the browser receives the PDF of the seeded day.
        await page.FillAsync("#summary-form input[name=from]", "2026-11-20");
        await page.FillAsync("#summary-form input[name=to]", "2026-11-20");
        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("#summary-pdf"));
        Assert.Equal("summary-20261120-20261120.pdf", download.SuggestedFilename);
        await using (var stream = await download.CreateReadStreamAsync())
        {
            var head = new byte[5];
            await stream.ReadExactlyAsync(head);
            Assert.Equal("%PDF-"u8.ToArray(), head);
        }

        page.Dialog += async (_, dialog) => await dialog.AcceptAsync();
        await page.ClickAsync("#subscription-list button");
        await page.WaitForSelectorAsync(".notice");
        Assert.Contains("Subscription removed.", await page.InnerTextAsync(".notice"), StringComparison.Ordinal);
        Assert.Equal(0, await page.Locator("#subscription-list").CountAsync());
        await page.Context.DisposeAsync();

        await using var c = new NpgsqlConnection(fx.ConnectionString);
        Assert.Equal(0, await c.ExecuteScalarAsync<int>("SELECT count(*) FROM report_subscriptions"));
    }
}
