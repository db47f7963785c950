using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Dapper;
using Iot.Dashboard.Auth;
using Iot.Dashboard.Hosting;
using Iot.Dashboard.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace Iot.Dashboard.Tests.Auth;

public sealed class AuthTests(DashboardFixture fx) : IClassFixture<DashboardFixture>
{
    [Fact]
    public async Task Signing_in_issues_tokens_and_audits_both_success_and_failure()
    {
        using var client = fx.Factory.CreateClient();
        var ok = await client.PostAsJsonAsync("/api/auth/login", new LoginRequest(SeedData.AcmeAnalyst, SeedData.Password));
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        var tokens = await ok.Content.ReadFromJsonAsync<TokenResponse>();
        Assert.Equal(Roles.Analyst, tokens!.Role);
        Assert.Equal(SeedData.Acme, tokens.TenantId);

        var bad = await client.PostAsJsonAsync("/api/auth/login", new LoginRequest(SeedData.AcmeAnalyst, "wrong password!"));
        Assert.Equal(HttpStatusCode.Unauthorized, bad.StatusCode);
        Assert.Equal("application/problem+json", bad.Content.Headers.ContentType?.MediaType);

        await using var c = new NpgsqlConnection(fx.ConnectionString);
        var actions = (await c.QueryAsync<string>("SELECT action FROM audit_log WHERE actor = @a AND tenant_id = 'acme'", new { a = SeedData.AcmeAnalyst })).ToList();
        Assert.Contains("sign-in", actions);
        Assert.Contains("sign-in-failed", actions);

        using var authed = fx.Factory.CreateClient();
        authed.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", tokens.AccessToken);
        Assert.Equal(HttpStatusCode.OK, (await authed.GetAsync("/api/overview")).StatusCode);
    }

    [Fact]
    public async Task Passwords_are_stored_only_as_slow_salted_hashes()
    {
        await using var c = new NpgsqlConnection(fx.ConnectionString);
        var stored = await c.ExecuteScalarAsync<string>("SELECT password_hash FROM dashboard_users WHERE email = @e", new { e = SeedData.AcmeAdmin });
        Assert.StartsWith("pbkdf2-sha256$600000$", stored);
        Assert.DoesNotContain(SeedData.Password, stored);
    }

    [Fact]
    public async Task A_refresh_token_rotates_and_reusing_an_old_one_revokes_the_whole_sign_in()
    {
        var settings = DashboardFactory.Defaults(fx.ConnectionString, fx.StorageRoot);
        settings["Dashboard:Auth:RefreshReuseGraceSeconds"] = "0";
        await using var strict = new DashboardFactory(settings);
        using var client = strict.CreateClient();
        var first = await (await client.PostAsJsonAsync("/api/auth/login", new LoginRequest(SeedData.AcmeAdmin, SeedData.Password))).Content.ReadFromJsonAsync<TokenResponse>();
        var second = await client.PostAsJsonAsync("/api/auth/refresh", new RefreshRequest(first!.RefreshToken));
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        var rotated = await second.Content.ReadFromJsonAsync<TokenResponse>();
        Assert.NotEqual(first.RefreshToken, rotated!.RefreshToken);

        // The first token was already used: presenting it again looks like theft, so the rotated one dies too.
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostAsJsonAsync("/api/auth/refresh", new RefreshRequest(first.RefreshToken))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostAsJsonAsync("/api/auth/refresh", new RefreshRequest(rotated.RefreshToken))).StatusCode);

        await using var c = new NpgsqlConnection(fx.ConnectionString);
        Assert.Equal(0, await c.ExecuteScalarAsync<int>("SELECT count(*) FROM dashboard_refresh_tokens WHERE token_hash = @t", new { t = rotated.RefreshToken }));
    }

    [Fact]
    public async Task Parallel_refreshes_with_the_same_token_inside_the_grace_window_keep_the_sign_in()
    {
        using var client = fx.Factory.CreateClient();
        var first = await (await client.PostAsJsonAsync("/api/auth/login", new LoginRequest(SeedData.AcmeAdmin, SeedData.Password))).Content.ReadFromJsonAsync<TokenResponse>();
        var responses = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => client.PostAsJsonAsync("/api/auth/refresh", new RefreshRequest(first!.RefreshToken))));
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var last = await responses[^1].Content.ReadFromJsonAsync<TokenResponse>();
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("/api/auth/refresh", new RefreshRequest(last!.RefreshToken))).StatusCode);

        // After sign-out even a token rotated a moment ago is dead.
        await client.PostAsJsonAsync("/api/auth/logout", new RefreshRequest(last.RefreshToken));
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostAsJsonAsync("/api/auth/refresh", new RefreshRequest(first!.RefreshToken))).StatusCode);
    }

    [Fact]
    public async Task Signing_out_revokes_the_refresh_token()
    {
        using var client = fx.Factory.CreateClient();
        var tokens = await (await client.PostAsJsonAsync("/api/auth/login", new LoginRequest(SeedData.AcmeAdmin, SeedData.Password))).Content.ReadFromJsonAsync<TokenResponse>();
        Assert.Equal(HttpStatusCode.NoContent, (await client.PostAsJsonAsync("/api/auth/logout", new RefreshRequest(tokens!.RefreshToken))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostAsJsonAsync("/api/auth/refresh", new RefreshRequest(tokens.RefreshToken))).StatusCode);
    }

    [Fact]
    public async Task A_tampered_token_is_refused()
    {
        using var client = await fx.ClientAsAsync(SeedData.AcmeAnalyst);
        var token = client.DefaultRequestHeaders.Authorization!.Parameter!;
        var parts = token.Split('.');

        // Same signature, payload claiming another tenant.
        var payload = System.Text.Encoding.UTF8.GetString(Microsoft.IdentityModel.Tokens.Base64UrlEncoder.DecodeBytes(parts[1])).Replace("\"acme\"", "\"globex\"", StringComparison.Ordinal);
        var forged = string.Join('.', parts[0], Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Encode(payload), parts[2]);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", forged);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/overview")).StatusCode);

        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", parts[0] + "." + parts[1] + ".AAAA");
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/dialogues")).StatusCode);
    }

    [Fact]
    public async Task A_token_signed_with_another_key_is_refused()
    {
        var user = await fx.Factory.Services.GetRequiredService<AuthStore>().UserByEmailAsync(SeedData.AcmeAdmin, CancellationToken.None);
        var options = Options.Create(new DashboardOptions { Auth = new AuthOptions { SigningKey = new string('k', 48) } });
        var token = new TokenIssuer(options, TimeProvider.System).Issue(user!).Token;
        using var client = fx.Factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/overview")).StatusCode);
    }

    [Fact]
    public async Task An_expired_token_is_refused()
    {
        var user = await fx.Factory.Services.GetRequiredService<AuthStore>().UserByEmailAsync(SeedData.AcmeAdmin, CancellationToken.None);
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow.AddMinutes(-30));
        var issuer = new TokenIssuer(fx.Factory.Services.GetRequiredService<IOptions<DashboardOptions>>(), clock);
        var expired = issuer.Issue(user!);
        Assert.True(expired.ExpiresAt < DateTimeOffset.UtcNow);
        using var client = fx.Factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", expired.Token);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/overview")).StatusCode);

        clock.SetUtcNow(DateTimeOffset.UtcNow);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", issuer.Issue(user!).Token);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/overview")).StatusCode);
    }

    [Fact]
    public async Task Without_a_token_the_api_answers_401_and_pages_redirect_to_sign_in()
    {
        using var client = fx.Factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/dialogues")).StatusCode);
        var page = await client.GetAsync("/dialogues");
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.StartsWith("/signin", page.Headers.Location!.OriginalString, StringComparison.Ordinal);
    }
}
