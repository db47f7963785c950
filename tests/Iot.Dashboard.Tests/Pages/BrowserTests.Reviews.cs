using Iot.Dashboard.Tests.Infrastructure;

namespace Iot.Dashboard.Tests.Pages;

public sealed partial class BrowserTests
{
    [Fact]
    public async Task A_supervisor_corrects_a_dialogue_in_the_browser_and_the_list_and_overview_show_it()
    {
        var page = await fx.SignedInPageAsync(SeedData.AcmeNorthSupervisor);
        await page.GotoAsync("/dialogues?operator=op-carl&upsell=true");
        await page.ClickAsync("#dialogues tbody tr a >> nth=0");
        await page.WaitForSelectorAsync("#review-form");
        await page.SelectOptionAsync("#review-form select[name=Upsell]", "false");
        await page.SelectOptionAsync("#review-form select[name=Reaction]", "none");
        await page.FillAsync("#review-form textarea[name=Note]", "Only named the product the customer asked for.");
        await page.ClickAsync("#save-review");
        await page.WaitForSelectorAsync("#current-review");
        Assert.Contains("no (analyzer: yes)", await page.InnerTextAsync("#current-review"), StringComparison.Ordinal);
        Assert.Contains("Only named the product", await page.InnerTextAsync("#current-review"), StringComparison.Ordinal);
        output.WriteLine("screenshot: " + await fx.ScreenshotAsync(page, "dialogue-review"));

        await page.GotoAsync("/dialogues?reviewed=disagrees");
        Assert.Equal(1, await page.Locator("#dialogues tbody tr").CountAsync());
        Assert.Equal("corrected", await page.InnerTextAsync("#dialogues tbody tr td.review"));
        await page.GotoAsync("/?from=2026-11-18&to=2026-11-20");
        Assert.Equal("1", await page.InnerTextAsync("#agreement-reviews"));
        output.WriteLine("screenshot: " + await fx.ScreenshotAsync(page, "overview-agreement"));
        await page.Context.DisposeAsync();
    }
}
