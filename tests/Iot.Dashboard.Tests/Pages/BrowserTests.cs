using System.Net;
using System.Net.Http.Json;
using Dapper;
using Iot.Dashboard.Auth;
using Iot.Dashboard.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Npgsql;
using Xunit.Abstractions;

namespace Iot.Dashboard.Tests.Pages;

public sealed partial class BrowserTests(BrowserFixture fx, ITestOutputHelper output) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task Signing_in_shows_the_overview_and_a_wrong_password_does_not()
    {
        var context = await fx.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = fx.BaseUrl });
        context.SetDefaultTimeout(90_000);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/dialogues");
        Assert.StartsWith(fx.BaseUrl + "/signin", page.Url, StringComparison.Ordinal);
        await page.FillAsync("input[name=email]", SeedData.AcmeAdmin);
        await page.FillAsync("input[name=password]", "not the password");
        await page.ClickAsync("#signin");
        Assert.Contains("wrong", await page.InnerTextAsync(".error"), StringComparison.Ordinal);
        output.WriteLine("screenshot: " + await fx.ScreenshotAsync(page, "signin"));

        await page.FillAsync("input[name=password]", SeedData.Password);
        await page.ClickAsync("#signin");
        await page.WaitForPageAsync(fx.BaseUrl + "/dialogues");

        // The session lives in HttpOnly cookies that scripts cannot read.
        Assert.Equal("", await page.EvaluateAsync<string>("() => document.cookie"));
        var cookies = await context.CookiesAsync();
        Assert.All(cookies.Where(c => c.Name.StartsWith("iot_", StringComparison.Ordinal)), c => Assert.True(c.HttpOnly && c.SameSite == SameSiteAttribute.Strict));

        await page.GotoAsync("/");
        Assert.True(int.TryParse(await page.InnerTextAsync("#kpi-dialogues"), out _));
        await page.GotoAsync("/?from=2026-11-20&to=2026-11-20");
        Assert.Equal("2", await page.InnerTextAsync("#kpi-dialogues"));
        output.WriteLine("screenshot: " + await fx.ScreenshotAsync(page, "overview"));
        await context.DisposeAsync();
    }

    [Fact]
    public async Task Filtering_the_list_and_opening_a_dialogue_plays_seeks_and_highlights_evidence()
    {
        var page = await fx.SignedInPageAsync(SeedData.AcmeAnalyst);
        await page.GotoAsync("/dialogues");
        Assert.Equal(25, await page.Locator("#dialogues tbody tr").CountAsync());
        Assert.True(await page.Locator("#next-page").IsVisibleAsync());

        await page.FillAsync("input[name=q]", "premium warranty");
        await page.SelectOptionAsync("select[name=upsell]", "true");
        await page.ClickAsync("#apply");
        await page.WaitForPageAsync(new System.Text.RegularExpressions.Regex("q=premium"));
        Assert.Equal(1, await page.Locator("#dialogues tbody tr").CountAsync());
        output.WriteLine("screenshot: " + await fx.ScreenshotAsync(page, "dialogues"));

        await page.ClickAsync("#dialogues tbody tr a");
        await page.WaitForPageAsync(fx.BaseUrl + "/dialogues/" + fx.Seed.AcmeDialogue);
        Assert.Equal(SeedData.EvidenceQuote, await page.InnerTextAsync("mark.evidence"));
        Assert.Equal(2, await page.Locator(".checklist .met").CountAsync());
        Assert.Equal(1, await page.Locator(".checklist .missed").CountAsync());

        // Click the second utterance (2.5 s): the player seeks there and plays on.
        await page.WaitForFunctionAsync("() => document.getElementById('player').readyState >= 1");
        Assert.True(await page.EvaluateAsync<double>("() => document.getElementById('player').duration") > 7);
        await page.ClickAsync(".utt >> nth=1");
        await page.WaitForFunctionAsync("() => document.getElementById('player').currentTime >= 2.5");
        var first = await page.EvaluateAsync<double>("() => document.getElementById('player').currentTime");
        await page.WaitForFunctionAsync($"() => document.getElementById('player').currentTime > {first.ToString(System.Globalization.CultureInfo.InvariantCulture)} + 0.3");
        Assert.False(await page.EvaluateAsync<bool>("() => document.getElementById('player').paused"));
        await page.WaitForSelectorAsync(".utt.playing");
        output.WriteLine("screenshot: " + await fx.ScreenshotAsync(page, "dialogue-detail"));

        // The native seek bar: setting currentTime directly moves playback too.
        await page.EvaluateAsync("() => { const a = document.getElementById('player'); a.currentTime = 6; }");
        await page.WaitForFunctionAsync("() => document.getElementById('player').currentTime >= 6");
        await page.Context.DisposeAsync();
    }

    [Fact]
    public async Task A_technician_approves_a_pending_device_and_sees_it_in_the_fleet()
    {
        var page = await fx.SignedInPageAsync(SeedData.AcmeTechnician);
        Assert.Equal(0, await page.Locator("nav a[href='/dialogues']").CountAsync());
        await page.GotoAsync("/provisioning");
        Assert.Equal(1, await page.Locator("#pending tbody tr").CountAsync());
        output.WriteLine("screenshot: " + await fx.ScreenshotAsync(page, "provisioning"));
        var row = page.Locator($"tr[data-serial='{SeedData.AcmePendingSerial}']");
        await row.Locator("select[name=branchId]").SelectOptionAsync("acme-north");
        await row.Locator("input[name=deviceId]").FillAsync("acme-d5");
        await row.Locator("button.approve").ClickAsync();
        await page.WaitForSelectorAsync(".notice");
        Assert.Contains("acme-d5", await page.InnerTextAsync(".notice"), StringComparison.Ordinal);
        Assert.True(await page.Locator("#none-pending").IsVisibleAsync());

        await using (var c = new NpgsqlConnection(fx.ConnectionString))
        {
            Assert.Equal("acme-north", await c.ExecuteScalarAsync<string>("SELECT branch_id FROM devices WHERE device_id = 'acme-d5'"));
        }

        await page.GotoAsync("/fleet");
        Assert.Equal("never-seen", await page.InnerTextAsync("tr[data-device='acme-d5'] .status"));
        Assert.Equal("online", await page.InnerTextAsync("tr[data-device='acme-d1'] .status"));
        await page.WaitForSelectorAsync("#live:has-text('Live: updated')");

        // The device reports in: the row turns online without a reload (server-sent events).
        await using (var c = new NpgsqlConnection(fx.ConnectionString))
        {
            await c.ExecuteAsync("UPDATE devices SET last_seen_at = now() WHERE device_id = 'acme-d5'");
        }

        await page.WaitForSelectorAsync("tr[data-device='acme-d5'] .status.online");
        output.WriteLine("screenshot: " + await fx.ScreenshotAsync(page, "fleet"));

        var forbidden = await page.GotoAsync("/dialogues/" + fx.Seed.AcmeDialogue);
        Assert.Equal(403, forbidden!.Status);
        await page.Context.DisposeAsync();
    }

    [Fact]
    public async Task Exporting_a_report_downloads_files_that_read_back_with_the_dialogues()
    {
        var page = await fx.SignedInPageAsync(SeedData.AcmeAdmin);
        await page.GotoAsync("/reports");
        await page.FillAsync("#report input[name=operator]", "op-anna");
        await page.FillAsync("#report input[name=from]", "2026-11-20");
        await page.FillAsync("#report input[name=to]", "2026-11-20");
        output.WriteLine("screenshot: " + await fx.ScreenshotAsync(page, "reports"));
        var csv = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("#csv"));
        var csvPath = Path.Combine(fx.Artifacts, "dialogues.csv");
        await csv.SaveAsAsync(csvPath);
        var lines = await File.ReadAllLinesAsync(csvPath);
        Assert.Equal(2, lines.Length);
        Assert.Contains(fx.Seed.AcmeDialogue.ToString(), lines[1], StringComparison.Ordinal);

        var xlsx = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("#xlsx"));
        var xlsxPath = Path.Combine(fx.Artifacts, "dialogues.xlsx");
        await xlsx.SaveAsAsync(xlsxPath);
        using var zip = System.IO.Compression.ZipFile.OpenRead(xlsxPath);
        using var reader = new StreamReader(zip.Entries.Single(e => e.FullName.StartsWith("xl/worksheets/", StringComparison.Ordinal)).Open());
        Assert.Contains(fx.Seed.AcmeDialogue.ToString(), await reader.ReadToEndAsync(), StringComparison.Ordinal);
        output.WriteLine("downloads: " + csvPath + ", " + xlsxPath);

        await page.GotoAsync("/settings");
        await page.FillAsync("input[name=AudioRetentionDays]", "45");
        await page.ClickAsync("#save");
        await page.WaitForSelectorAsync(".notice");
        Assert.Equal("45", await page.InputValueAsync("input[name=AudioRetentionDays]"));
        output.WriteLine("screenshot: " + await fx.ScreenshotAsync(page, "settings"));
        await page.Context.DisposeAsync();
    }

    [Fact]
    public async Task An_admin_disables_a_user_in_the_browser_and_that_users_next_api_call_is_refused()
    {
        var store = fx.Factory.Services.GetRequiredService<AuthStore>();
        await store.SeedUserAsync(SeedData.Acme, "temp@acme.test", Roles.Analyst, PasswordHashing.Hash(SeedData.Password), CancellationToken.None);
        await store.SeedUserAsync(SeedData.Acme, "promoted@acme.test", Roles.Analyst, PasswordHashing.Hash(SeedData.Password), CancellationToken.None);
        var user = await store.UserByEmailAsync("temp@acme.test", CancellationToken.None);
        using var api = new HttpClient { BaseAddress = new Uri(fx.BaseUrl) };
        api.DefaultRequestHeaders.Authorization = new("Bearer", fx.Factory.Services.GetRequiredService<TokenIssuer>().Issue(user!).Token);
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync("/api/dialogues")).StatusCode);

        var page = await fx.SignedInPageAsync(SeedData.AcmeAdmin);
        await page.GotoAsync("/settings");
        var row = page.Locator("tr[data-email='temp@acme.test']");
        Assert.Equal("active", await row.Locator(".status").InnerTextAsync());
        Assert.Equal(0, await page.Locator($"tr[data-email='{SeedData.AcmeAdmin}'] button.disable").CountAsync());
        await row.Locator("button.disable").ClickAsync();
        await page.WaitForSelectorAsync(".notice:has-text('temp@acme.test disabled')");
        Assert.Equal("disabled", await page.Locator("tr[data-email='temp@acme.test'] .status").InnerTextAsync());

        Assert.Equal(HttpStatusCode.Unauthorized, (await api.GetAsync("/api/dialogues")).StatusCode);

        // Role and branches, and a password reset, from the same table.
        var promoted = page.Locator("tr[data-email='promoted@acme.test']");
        await promoted.Locator("select[name=role]").SelectOptionAsync(Roles.Supervisor);
        await promoted.Locator("input[name=branches]").FillAsync("acme-south");
        await promoted.Locator("button.save-access").ClickAsync();
        await page.WaitForSelectorAsync(".notice:has-text('role and branches saved')");
        await page.Locator("tr[data-email='promoted@acme.test'] input[name=password]").FillAsync("a brand new password");
        await page.Locator("tr[data-email='promoted@acme.test'] button.reset-password").ClickAsync();
        await page.WaitForSelectorAsync(".notice:has-text('password reset')");
        output.WriteLine("screenshot: " + await fx.ScreenshotAsync(page, "settings-users"));

        var changed = await store.UserByEmailAsync("promoted@acme.test", CancellationToken.None);
        Assert.Equal(Roles.Supervisor, changed!.Role);
        Assert.Equal(["acme-south"], changed.Branches!);
        using var anon = new HttpClient { BaseAddress = new Uri(fx.BaseUrl) };
        Assert.Equal(HttpStatusCode.OK, (await anon.PostAsJsonAsync("/api/auth/login", new LoginRequest("promoted@acme.test", "a brand new password"))).StatusCode);
        await using var c = new NpgsqlConnection(fx.ConnectionString);
        Assert.Equal(3, await c.ExecuteScalarAsync<int>("SELECT count(*) FROM audit_log WHERE actor = @a AND action IN ('user-disabled', 'user-changed', 'user-password-reset')", new { a = SeedData.AcmeAdmin }));
        await page.Context.DisposeAsync();
    }

    [Fact]
    public async Task A_dialogue_over_three_chunks_plays_as_one_stream_and_seeks_into_the_second_chunk()
    {
        var (dialogue, durations) = await MultiChunkDialogue.SeedAsync(fx.ConnectionString, fx.StorageRoot);
        var page = await fx.SignedInPageAsync(SeedData.AcmeAnalyst);
        await page.GotoAsync("/dialogues/" + dialogue);
        await page.WaitForFunctionAsync("() => document.getElementById('player').readyState >= 1");
        Assert.EndsWith($"/api/dialogues/{dialogue}/audio", await page.EvaluateAsync<string>("() => document.getElementById('player').currentSrc"), StringComparison.Ordinal);
        Assert.True(await page.EvaluateAsync<double>("() => document.getElementById('player').duration") > durations.Sum() / 1000.0 - 0.5);

        // 200 ms into the second segment of the dialogue = 200 ms after its speech starts in the second chunk.
        var dialogueMs = durations[0] - 1000 + 200;
        var streamSeconds = (durations[0] + 500 + 200) / 1000.0;
        await page.EvaluateAsync($"() => window.dialoguePlayer.seek({dialogueMs}, true)");
        await page.WaitForFunctionAsync($"() => document.getElementById('player').currentTime > {(streamSeconds + 0.3).ToString(System.Globalization.CultureInfo.InvariantCulture)}");
        var at = await page.EvaluateAsync<double>("() => document.getElementById('player').currentTime");
        Assert.InRange(at, streamSeconds, streamSeconds + 5);
        Assert.False(await page.EvaluateAsync<bool>("() => document.getElementById('player').paused"));
        await page.Context.DisposeAsync();
    }

    [Fact]
    public async Task The_device_page_shows_config_versions_and_recent_commands_and_offers_pushing_through_the_bridge()
    {
        await using (var c = new NpgsqlConnection(fx.ConnectionString))
        {
            await c.ExecuteAsync(
                """
                INSERT INTO device_configs (device_id, desired_version, desired, reported_version, reported_at)
                VALUES ('acme-d1', 3, '{"version":3,"recording":{"trigger":"Schedule","branchEnabled":true,"schedule":{"Mon-Fri":"09:00-18:00"}},"chunkSeconds":60}', 3, now());
                INSERT INTO device_commands (command_id, device_id, name, issued_at, status, detail, completed_at) VALUES
                    (gen_random_uuid(), 'acme-d1', 'restart', now() - interval '2 minutes', 'done', 'stopping; the service manager restarts the agent', now() - interval '119 seconds'),
                    (gen_random_uuid(), 'acme-d1', 'blink', now() - interval '1 minute', 'sent', NULL, NULL);
                """);
        }

        var page = await fx.SignedInPageAsync(SeedData.AcmeTechnician);
        await page.GotoAsync("/fleet");
        await page.ClickAsync("tr[data-device='acme-d1'] a");
        await page.WaitForPageAsync(fx.BaseUrl + "/fleet/acme-d1");
        Assert.Contains("desired version 3", await page.InnerTextAsync("#config-versions"), StringComparison.Ordinal);
        Assert.Equal(["blink", "restart"], (await page.Locator("#commands tbody tr td:nth-child(2)").AllInnerTextsAsync()).ToArray());
        Assert.Equal("done", await page.InnerTextAsync("#commands tbody tr:nth-child(2) .status"));
        // The fixture's dashboard calls a bridge's operator API (without one the button is disabled and the API answers 503).
        Assert.True(await page.Locator("#push-config").IsEnabledAsync());
        output.WriteLine("screenshot: " + await fx.ScreenshotAsync(page, "device"));

        var foreign = await page.GotoAsync("/fleet/globex-d1");
        Assert.Equal(404, foreign!.Status);
        await page.Context.DisposeAsync();
    }
}
