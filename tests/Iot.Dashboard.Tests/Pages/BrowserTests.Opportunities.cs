using System.Globalization;
using System.Text.RegularExpressions;
using Iot.Dashboard.Tests.Infrastructure;
using Iot.Dashboard.Tests.Opportunities;

namespace Iot.Dashboard.Tests.Pages;

public sealed partial class BrowserTests
{
    [Fact]
    public async Task Opportunities_page_shows_missed_purchases_declined_offers_and_top_items_with_filters_in_the_url()
    {
        // The week of 9-13 November holds nothing of SeedData's, so adding it leaves the other browser tests' figures
        // alone; no reviews (the review test counts the corrected ones).
        var seed = await OpportunitySeed.WriteAsync(fx.ConnectionString, reviews: false);
        var page = await fx.SignedInPageAsync(SeedData.AcmeAnalyst);
        await page.ClickAsync("header nav a[href='/opportunities']");
        await page.GotoAsync("/opportunities?" + OpportunitySeed.Week);

        // Missed (the default tab): newest first, with the purchase quotes, times in New York.
        var missed = page.Locator("#missed tbody tr");
        Assert.Equal([seed.MissedLateNorth.ToString(), seed.MissedSouth.ToString(), seed.MissedNorth.ToString()],
            await missed.EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.id)"));
        Assert.Equal(new DateTime(2026, 11, 11, 23, 30, 0).ToString("g", CultureInfo.GetCultureInfo("en")), (await missed.Nth(0).Locator("td a").InnerTextAsync()).Trim());
        Assert.Contains(OpportunitySeed.MissedSouthQuote2, await missed.Nth(1).Locator("td.quotes").InnerTextAsync(), StringComparison.Ordinal);
        output.WriteLine("screenshot: " + await fx.ScreenshotAsync(page, "opportunities-missed"));

        // The operator filter goes into the URL and keeps the tab.
        await page.FillAsync("input[name=operator]", "op-erin");
        await page.ClickAsync("#apply");
        await page.WaitForPageAsync(new Regex("operator=op-erin"));
        Assert.Equal(1, await missed.CountAsync());

        // Declined: the tab link keeps the filters; each offer in the seller's words, and the reply.
        await page.GotoAsync("/opportunities?" + OpportunitySeed.Week);
        await page.ClickAsync("#tabs a[data-view='declined']");
        await page.WaitForPageAsync(new Regex("view=declined.*|.*view=declined"));
        Assert.Contains("from=2026-11-09", page.Url, StringComparison.Ordinal);
        var north = page.Locator($"#declined tbody tr[data-id='{seed.DeclinedNorth}']");
        Assert.Equal(2, await north.Locator(".offer.declined").CountAsync());
        Assert.Contains(OpportunitySeed.DeclinedNorthReply, await north.InnerTextAsync(), StringComparison.Ordinal);
        output.WriteLine("screenshot: " + await fx.ScreenshotAsync(page, "opportunities-declined"));

        // Offered items: sorted by times offered; a click on the header sorts by acceptance, then the item opens its dialogues.
        await page.ClickAsync("#tabs a[data-view='items']");
        await page.WaitForPageAsync(new Regex("view=items"));
        async Task<string[]> ItemsAsync() => [.. await page.Locator("#items tbody tr").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.item)")];
        Assert.Equal(["premium warranty", "phone case", "screen protector"], await ItemsAsync());
        Assert.Equal("Offered ▼", (await page.InnerTextAsync("#items th a[data-sort='offered']")).Trim());
        Assert.Equal("75.0%", (await page.InnerTextAsync("#items tbody tr[data-item='premium warranty'] td[data-measure='acceptanceRate']")).Trim());
        output.WriteLine("screenshot: " + await fx.ScreenshotAsync(page, "opportunities"));
        await page.ClickAsync("#items th a[data-sort='acceptanceRate']");
        await page.WaitForPageAsync(new Regex("sort=-acceptanceRate"));
        Assert.Equal("premium warranty", (await ItemsAsync())[0]);
        await page.ClickAsync("#items tbody tr[data-item='premium warranty'] td a");
        await page.WaitForPageAsync(new Regex("/dialogues\\?.*item=premium"));
        Assert.Equal(3, await page.Locator("#dialogues tbody tr").CountAsync());
        Assert.Equal("premium warranty", await page.InputValueAsync("input[name=item]"));

        // The list's export link carries the same filters.
        var export = await page.GetAttributeAsync("#export-csv", "href");
        Assert.Contains("item=premium", export!, StringComparison.Ordinal);
        Assert.Contains("flagged=false", export!, StringComparison.Ordinal);
        await page.Context.DisposeAsync();

        // The same page in Russian (BrowserTests.Languages), on the same seed: written once, here, so the other browser
        // tests meet it in the same order as before (Performance lists operators of the previous week too).
        await OpportunitiesInRussianAsync();
    }

    [Fact]
    public async Task A_technician_has_no_opportunities_link_and_is_refused_the_page()
    {
        var page = await fx.SignedInPageAsync(SeedData.AcmeTechnician);
        Assert.Equal(0, await page.Locator("header nav a[href='/opportunities']").CountAsync());
        var response = await page.GotoAsync("/opportunities");
        Assert.Equal(403, response!.Status);
        await page.Context.DisposeAsync();
    }
}
