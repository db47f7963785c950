using System.Net;
using System.Net.Http.Json;
using Dapper;
using Iot.Dashboard.Auth;
using Iot.Dashboard.Localization;
using Iot.Dashboard.Tests.Infrastructure;
using Iot.Dashboard.Users;
using Npgsql;

namespace Iot.Dashboard.Tests.Localization;

public sealed class LanguageApiTests(DashboardFixture fx) : IClassFixture<DashboardFixture>
{
    [Fact]
    public async Task A_user_picks_a_language_the_pages_speak_it_at_once_and_the_change_is_audited()
    {
        var email = await NewUserAsync("picker");
        using var user = await fx.ClientAsAsync(email);
        Assert.Contains("<html lang=\"en\"", await user.GetStringAsync("/"), StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.NoContent, (await user.PutAsJsonAsync("/api/me/language", new LanguageChange("ru"))).StatusCode);

        var overview = await user.GetStringAsync("/");
        Assert.Contains("<html lang=\"ru\"", overview, StringComparison.Ordinal);
        Assert.Contains("<h1>Обзор</h1>", overview, StringComparison.Ordinal);
        var view = await user.GetFromJsonAsync<LanguageView>("/api/me/language");
        Assert.Equal(("ru", "ru"), (view!.Language, view.Effective));

        // Written as the supported name whatever the case it was sent in; null goes back to the browser's language.
        Assert.Equal(HttpStatusCode.NoContent, (await user.PutAsJsonAsync("/api/me/language", new LanguageChange("UZ-latn"))).StatusCode);
        Assert.Contains("<html lang=\"uz-Latn\"", await user.GetStringAsync("/"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NoContent, (await user.PutAsJsonAsync("/api/me/language", new LanguageChange(null))).StatusCode);
        Assert.Contains("<html lang=\"en\"", await user.GetStringAsync("/"), StringComparison.Ordinal);

        await using var c = new NpgsqlConnection(fx.ConnectionString);
        Assert.Null(await c.ExecuteScalarAsync<string?>("SELECT language FROM dashboard_users WHERE email = @email", new { email }));
        var audited = (await c.QueryAsync<string>(
            "SELECT details->>'language' FROM audit_log WHERE action = 'settings-changed' AND actor = @email AND target LIKE 'dashboard_users/%/language' ORDER BY audit_id",
            new { email })).ToList();
        Assert.Equal(["ru", "uz-Latn", "browser"], audited);
    }

    [Theory]
    [InlineData("de")]
    [InlineData("uz-Cyrl")]
    [InlineData("ru; DROP TABLE dashboard_users")]
    public async Task An_unsupported_language_is_refused_naming_the_field(string language)
    {
        var email = await NewUserAsync("bad");
        using var user = await fx.ClientAsAsync(email);
        var response = await user.PutAsJsonAsync("/api/me/language", new LanguageChange(language));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains("\"language\"", body, StringComparison.Ordinal);
        Assert.Contains("en, ru, uz-Latn, az-Latn", body, StringComparison.Ordinal);

        await using var c = new NpgsqlConnection(fx.ConnectionString);
        Assert.Null(await c.ExecuteScalarAsync<string?>("SELECT language FROM dashboard_users WHERE email = @email", new { email }));
    }

    [Fact]
    public async Task A_user_cannot_change_another_users_language_not_even_an_admin_nor_across_tenants()
    {
        var victim = await NewUserAsync("victim");
        var victimId = await UserIdAsync(victim);
        using var acmeAdmin = await fx.ClientAsAsync(SeedData.AcmeAdmin);
        using var globexAdmin = await fx.ClientAsAsync(SeedData.GlobexAdmin);

        // No route names an account: per-user paths do not exist, and an id in the body is not read.
        foreach (var client in new[] { acmeAdmin, globexAdmin })
        {
            var byRoute = await client.PutAsJsonAsync($"/api/users/{victimId}/language", new LanguageChange("az-Latn"));
            Assert.True(byRoute.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed, byRoute.StatusCode.ToString());
            Assert.True((await client.PutAsJsonAsync($"/api/me/language?userId={victimId}", new { language = "az-Latn", userId = victimId })).IsSuccessStatusCode);
        }

        await using var c = new NpgsqlConnection(fx.ConnectionString);
        Assert.Null(await c.ExecuteScalarAsync<string?>("SELECT language FROM dashboard_users WHERE user_id = @victimId", new { victimId }));
        Assert.Equal("az-Latn", await c.ExecuteScalarAsync<string?>("SELECT language FROM dashboard_users WHERE email = @e", new { e = SeedData.GlobexAdmin }));
        Assert.Equal("az-Latn", await c.ExecuteScalarAsync<string?>("SELECT language FROM dashboard_users WHERE email = @e", new { e = SeedData.AcmeAdmin }));
        await acmeAdmin.PutAsJsonAsync("/api/me/language", new LanguageChange(null));
        await globexAdmin.PutAsJsonAsync("/api/me/language", new LanguageChange(null));

        using var anonymous = fx.Factory.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PutAsJsonAsync("/api/me/language", new LanguageChange("ru"))).StatusCode);
    }

    [Fact]
    public async Task Without_a_choice_the_browsers_language_is_used_then_english()
    {
        var email = await NewUserAsync("browser");
        using var user = await fx.ClientAsAsync(email);
        foreach (var (header, expected) in new[] { ("uz-UZ,uz;q=0.9,en;q=0.5", "uz-Latn"), ("tr-TR, az;q=0.8", "az-Latn"), ("de-DE,fr;q=0.9", "en"), ("uz-Cyrl-UZ", "en"), ("en;q=0.3, ru;q=0.7", "ru") })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/");
            request.Headers.TryAddWithoutValidation("Accept-Language", header);
            var html = await (await user.SendAsync(request)).Content.ReadAsStringAsync();
            Assert.Contains($"<html lang=\"{expected}\"", html, StringComparison.Ordinal);
        }

        // The account's own choice wins over the browser's.
        await user.PutAsJsonAsync("/api/me/language", new LanguageChange("az-Latn"));
        using var chosen = new HttpRequestMessage(HttpMethod.Get, "/");
        chosen.Headers.TryAddWithoutValidation("Accept-Language", "ru");
        Assert.Contains("<html lang=\"az-Latn\"", await (await user.SendAsync(chosen)).Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // The sign-in page, before anyone is known, follows the browser.
        using var anonymous = fx.Factory.CreateClient();
        using var signIn = new HttpRequestMessage(HttpMethod.Get, "/signin");
        signIn.Headers.TryAddWithoutValidation("Accept-Language", "ru-RU");
        Assert.Contains("<h1>Вход</h1>", await (await anonymous.SendAsync(signIn)).Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private async Task<string> NewUserAsync(string name)
    {
        var email = $"{name}-{Guid.NewGuid():N}@acme.test";
        using var admin = await fx.ClientAsAsync(SeedData.AcmeAdmin);
        var created = await admin.PostAsJsonAsync("/api/users", new NewUser(email, null, Roles.Analyst, null, SeedData.Password));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return email;
    }

    private async Task<Guid> UserIdAsync(string email)
    {
        await using var c = new NpgsqlConnection(fx.ConnectionString);
        return await c.ExecuteScalarAsync<Guid>("SELECT user_id FROM dashboard_users WHERE email = @email", new { email });
    }
}
