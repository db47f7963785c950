using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Iot.Dashboard.Tests.Infrastructure;

/// <summary>
/// Waits for a page to arrive at a URL and finish loading, without Playwright .NET's <c>WaitForURLAsync</c>.
/// </summary>
/// <remarks>
/// When the URL already matches, <c>WaitForURLAsync</c> falls back to <c>WaitForLoadStateAsync</c>, which checks the
/// client's list of fired load states and only then subscribes to the next one. A state the driver reports between
/// the two is never seen, and the wait runs to its timeout. CI hit this twice on a loaded machine: the log showed
/// "Load" and "NetworkIdle" firing while the awaited DOMContentLoaded (an earlier run: Load) was never seen. These waits
/// poll inside the browser instead (the URL through an assertion, then <c>document.readyState</c>), so no event can be
/// missed.
/// </remarks>
public static class PageNavigation
{
    // The suite runs test assemblies side by side on two cores: the same allowance as the context's default timeout.
    private const float Timeout = 90_000;

    public static async Task WaitForPageAsync(this IPage page, string url)
    {
        await Assertions.Expect(page).ToHaveURLAsync(url, new PageAssertionsToHaveURLOptions { Timeout = Timeout });
        await LoadedAsync(page);
    }

    public static async Task WaitForPageAsync(this IPage page, Regex url)
    {
        await Assertions.Expect(page).ToHaveURLAsync(url, new PageAssertionsToHaveURLOptions { Timeout = Timeout });
        await LoadedAsync(page);
    }

    /// <summary>The document is parsed and its scripts have run (what the tests read next); images may still load.</summary>
    public static async Task WaitForDocumentAsync(this IPage page, string url)
    {
        await Assertions.Expect(page).ToHaveURLAsync(url, new PageAssertionsToHaveURLOptions { Timeout = Timeout });
        await page.WaitForFunctionAsync("() => document.readyState !== 'loading'", null, new PageWaitForFunctionOptions { Timeout = Timeout });
    }

    private static Task LoadedAsync(IPage page) =>
        page.WaitForFunctionAsync("() => document.readyState === 'complete'", null, new PageWaitForFunctionOptions { Timeout = Timeout });
}
