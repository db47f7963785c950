using Dapper;
using Iot.Dashboard.Tests.Infrastructure;
using Npgsql;

namespace Iot.Dashboard.Tests.Pages;

public sealed partial class BrowserTests
{
    [Fact]
    public async Task An_admin_sees_the_queue_and_retries_a_dead_job_after_confirming_and_a_supervisor_gets_no_buttons()
    {
        var jobs = await SeedJobs.WriteAsync(fx.ConnectionString, fx.Seed);
        try
        {
            var page = await fx.SignedInPageAsync(SeedData.AcmeAdmin);
            await page.GotoAsync("/jobs");
            Assert.Contains("transcribe", await page.InnerTextAsync("#depth"), StringComparison.Ordinal);
            Assert.Contains("worker-7", await page.InnerTextAsync("#running"), StringComparison.Ordinal);
            Assert.Contains("no analyzer configured", await page.InnerTextAsync("#waiting"), StringComparison.Ordinal);

            // The engine's error is shown as text: its markup is encoded, never rendered.
            var error = page.Locator($"#dead tr[data-job='{jobs.AcmeNorthDead}'] .error-text");
            Assert.Equal(SeedJobs.NorthError, await error.InnerTextAsync());
            Assert.Equal(0, await error.Locator("b").CountAsync());
            Assert.DoesNotContain("globex", await page.InnerTextAsync("main"), StringComparison.Ordinal);
            output.WriteLine("screenshot: " + await fx.ScreenshotAsync(page, "jobs"));

            page.Dialog += async (_, dialog) => await dialog.AcceptAsync();
            await page.ClickAsync($"#dead tr[data-job='{jobs.AcmeNorthDead}'] button");
            await page.WaitForSelectorAsync(".notice");
            Assert.Contains($"Job {jobs.AcmeNorthDead} is queued again", await page.InnerTextAsync(".notice"), StringComparison.Ordinal);
            Assert.Equal(0, await page.Locator($"#dead tr[data-job='{jobs.AcmeNorthDead}']").CountAsync());
            await page.Context.DisposeAsync();

            var supervisor = await fx.SignedInPageAsync(SeedData.AcmeNorthSupervisor);
            await supervisor.GotoAsync("/jobs");
            Assert.Equal(0, await supervisor.Locator("main form button").CountAsync());
            Assert.DoesNotContain("south engine timeout", await supervisor.InnerTextAsync("main"), StringComparison.Ordinal);
            await supervisor.Context.DisposeAsync();
        }
        finally
        {
            await using var c = new NpgsqlConnection(fx.ConnectionString);
            await c.ExecuteAsync("DELETE FROM jobs WHERE job_id = ANY (@ids)", new { ids = new[] { jobs.AcmeNorthDead, jobs.AcmeSouthDead, jobs.GlobexDead, jobs.AcmeNorthWaiting, jobs.AcmeNorthQueued, jobs.AcmeSouthRunning, jobs.PlatformDead } });
        }
    }
}
