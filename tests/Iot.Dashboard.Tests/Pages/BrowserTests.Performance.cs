using System.Text.RegularExpressions;
using Iot.Dashboard.Tests.Infrastructure;

namespace Iot.Dashboard.Tests.Pages;

public sealed partial class BrowserTests
{
    // Seeded Acme (New York): op-carl's 40 dialogues on the evening of 18 Nov (local), every other one with an upsell
    // attempt; op-anna (north) and op-bob (south) one each on 20 Nov.
    private const string PerformanceWeek = "/performance?from=2026-11-14&to=2026-11-20";

    [Fact]
    public async Task Performance_table_sorts_filters_by_url_and_drills_down_to_the_dialogues_behind_a_figure()
    {
        var page = await fx.SignedInPageAsync(SeedData.AcmeAnalyst);
        await page.ClickAsync("header nav a[href='/performance']");
        await page.GotoAsync(PerformanceWeek);
        async Task<string[]> KeysAsync() => [.. await page.Locator("#performance tbody tr").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.key)")];
        Assert.Equal(["op-carl", "op-anna", "op-bob"], await KeysAsync());
        var carl = page.Locator("#performance tbody tr[data-key='op-carl']");
        Assert.StartsWith("40", (await carl.Locator("td[data-measure='dialogues']").InnerTextAsync()).Trim(), StringComparison.Ordinal);
        Assert.StartsWith("50.0%", (await carl.Locator("td[data-measure='attemptRate']").InnerTextAsync()).Trim(), StringComparison.Ordinal);
        Assert.StartsWith("0.0%", (await carl.Locator("td[data-measure='checklist:farewell']").InnerTextAsync()).Trim(), StringComparison.Ordinal);
        output.WriteLine("screenshot: " + await fx.ScreenshotAsync(page, "performance"));

        // Sorting by name: descending first, then ascending on a second click; the filters stay in the URL.
        await page.ClickAsync("#performance th a[data-sort='key']");
        await page.WaitForPageAsync(new Regex("sort=-key"));
        Assert.Equal(["op-carl", "op-bob", "op-anna"], await KeysAsync());
        await page.ClickAsync("#performance th a[data-sort='key']");
        await page.WaitForPageAsync(new Regex("sort=key"));
        Assert.Contains("from=2026-11-14", page.Url, StringComparison.Ordinal);
        Assert.Equal(["op-anna", "op-bob", "op-carl"], await KeysAsync());

        // A branch filter goes into the URL and changes the figures.
        await page.FillAsync("input[name=branch]", "acme-south");
        await page.ClickAsync("#apply");
        await page.WaitForPageAsync(new Regex("branch=acme-south"));
        Assert.Equal(["op-bob"], await KeysAsync());
        Assert.StartsWith("1", (await page.InnerTextAsync("#performance tfoot td[data-measure='dialogues']")).Trim(), StringComparison.Ordinal);

        // Drill-down: op-carl's attempt rate opens the list of his analysed dialogues with an attempt (20 of 40).
        await page.GotoAsync(PerformanceWeek);
        await carl.Locator("td[data-measure='attemptRate'] a").ClickAsync();
        await page.WaitForPageAsync(new Regex("/dialogues\\?.*operator=op-carl.*upsell=true"));
        output.WriteLine(page.Url);
        output.WriteLine("screenshot: " + await fx.ScreenshotAsync(page, "performance-drilldown"));
        Assert.Equal(20, await page.Locator("#dialogues tbody tr").CountAsync());
        Assert.Equal("op-carl", await page.InputValueAsync("input[name=operator]"));
        await page.Context.DisposeAsync();
    }

    [Fact]
    public async Task Trends_chart_shows_a_value_on_hover_the_interval_filter_changes_the_url_and_the_heat_map_uses_local_hours()
    {
        var page = await fx.SignedInPageAsync(SeedData.AcmeAnalyst);
        await page.GotoAsync("/trends?from=2026-11-14&to=2026-11-20");
        Assert.Equal(7, await page.Locator("#trend-chart circle.point").CountAsync());
        Assert.True(await page.Locator("#chart-tip").IsHiddenAsync());

        // 18 Nov is the fifth day: hovering its point shows its count. Counted now, not fixed: other tests of this
        // fixture (the joined-audio one) add a dialogue on that day, and xUnit does not order them.
        long expected;
        await using (var c = new Npgsql.NpgsqlConnection(fx.ConnectionString))
        {
            await c.OpenAsync();
            await using var count = new Npgsql.NpgsqlCommand(
                "SELECT count(*) FROM dialogues WHERE tenant_id = 'acme' AND deleted_at IS NULL AND (started_at AT TIME ZONE 'America/New_York')::date = '2026-11-18'", c);
            expected = (long)(await count.ExecuteScalarAsync())!;
        }

        Assert.True(expected >= 40, "the seed puts 40 dialogues on 18 Nov");
        await page.HoverAsync("#trend-chart circle.point >> nth=4");
        await page.WaitForSelectorAsync("#chart-tip:not([hidden])");
        // Labels are dates in the reader's culture (English here: month/day/year).
        Assert.StartsWith($"11/18/2026: {expected} ", await page.InnerTextAsync("#chart-tip"), StringComparison.Ordinal);

        // Wednesday 19:00 New York = 00:00-00:59 UTC on the 19th: op-carl's first nine dialogues.
        Assert.Equal("9", await page.GetAttributeAsync("#heat-activity td[data-weekday='3'][data-hour='19']", "data-value"));
        Assert.Equal("0", await page.GetAttributeAsync("#heat-activity td[data-weekday='4'][data-hour='0']", "data-value"));
        output.WriteLine("screenshot: " + await fx.ScreenshotAsync(page, "trends"));

        // Weeks (Monday first): 14-15 Nov and 16-20 Nov.
        await page.SelectOptionAsync("select[name=interval]", "week");
        await page.ClickAsync("#apply");
        await page.WaitForPageAsync(new Regex("interval=week"));
        Assert.Equal(2, await page.Locator("#trend-table tbody tr").CountAsync());
        Assert.Equal(2, await page.Locator("#trend-chart circle.point").CountAsync());
        await page.Context.DisposeAsync();
    }

    [Fact]
    public async Task A_technician_has_no_performance_link_and_is_refused_the_page()
    {
        var page = await fx.SignedInPageAsync(SeedData.AcmeTechnician);
        Assert.Equal(0, await page.Locator("header nav a[href='/performance']").CountAsync());
        var response = await page.GotoAsync("/performance");
        Assert.Equal(403, response!.Status);
        await page.Context.DisposeAsync();
    }
}
