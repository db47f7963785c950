using System.Net;
using System.Net.Http.Json;
using Dapper;
using Iot.Dashboard.Auth;
using Iot.Dashboard.Dialogues;
using Iot.Dashboard.Tests.Infrastructure;
using Iot.Dashboard.Users;
using Npgsql;

namespace Iot.Dashboard.Tests.Users;

public sealed class UserApiTests(DashboardFixture fx) : IClassFixture<DashboardFixture>
{
    [Fact]
    public async Task An_admin_creates_a_branch_limited_user_who_can_sign_in_and_sees_only_that_branch()
    {
        using var admin = await fx.ClientAsAsync(SeedData.AcmeAdmin);
        var created = await admin.PostAsJsonAsync("/api/users", new NewUser("new@acme.test", "New", Roles.Analyst, ["acme-south"], "a fine long password"));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        using var anon = fx.Factory.CreateClient();
        var tokens = await (await anon.PostAsJsonAsync("/api/auth/login", new LoginRequest("new@acme.test", "a fine long password"))).Content.ReadFromJsonAsync<TokenResponse>();
        using var user = fx.Factory.CreateClient();
        user.DefaultRequestHeaders.Authorization = new("Bearer", tokens!.AccessToken);
        var page = await user.GetFromJsonAsync<DialoguePage>("/api/dialogues");
        Assert.Equal([fx.Seed.AcmeSouthDialogue], page!.Items.Select(d => d.DialogueId));

        var list = await admin.GetFromJsonAsync<List<UserView>>("/api/users");
        Assert.DoesNotContain(list!, u => u.Email == SeedData.GlobexAdmin);
        Assert.Contains(list!, u => u.Email == "new@acme.test" && u.Branches!.SequenceEqual(["acme-south"]));

        await using var c = new NpgsqlConnection(fx.ConnectionString);
        Assert.Equal(1, await c.ExecuteScalarAsync<int>("SELECT count(*) FROM audit_log WHERE action = 'user-created' AND target = 'new@acme.test' AND tenant_id = 'acme'"));
    }

    [Fact]
    public async Task Bad_or_foreign_user_details_are_refused()
    {
        using var admin = await fx.ClientAsAsync(SeedData.AcmeAdmin);
        var bad = await admin.PostAsJsonAsync("/api/users", new NewUser("nobody", null, "root", ["globex-main"], "short"));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var body = await bad.Content.ReadAsStringAsync();
        foreach (var field in new[] { "email", "role", "password", "branches" })
        {
            Assert.Contains($"\"{field}\"", body, StringComparison.Ordinal);
        }

        var duplicate = await admin.PostAsJsonAsync("/api/users", new NewUser(SeedData.GlobexAdmin, null, Roles.Analyst, null, "a fine long password"));
        Assert.Equal(HttpStatusCode.BadRequest, duplicate.StatusCode);

        using var analyst = await fx.ClientAsAsync(SeedData.AcmeAnalyst);
        Assert.Equal(HttpStatusCode.Forbidden, (await analyst.GetAsync("/api/users")).StatusCode);
    }

    [Fact]
    public async Task A_disabled_user_can_no_longer_sign_in()
    {
        using var admin = await fx.ClientAsAsync(SeedData.AcmeAdmin);
        await admin.PostAsJsonAsync("/api/users", new NewUser("leaver@acme.test", null, Roles.Analyst, null, "a fine long password"));
        var id = (await admin.GetFromJsonAsync<List<UserView>>("/api/users"))!.Single(u => u.Email == "leaver@acme.test").UserId;
        using var globex = await fx.ClientAsAsync(SeedData.GlobexAdmin);
        Assert.Equal(HttpStatusCode.NotFound, (await globex.PostAsync($"/api/users/{id}/disable", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.PostAsync($"/api/users/{id}/disable", null)).StatusCode);

        using var anon = fx.Factory.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anon.PostAsJsonAsync("/api/auth/login", new LoginRequest("leaver@acme.test", "a fine long password"))).StatusCode);
    }

    [Fact]
    public async Task An_access_token_stops_working_as_soon_as_its_account_is_disabled()
    {
        using var admin = await fx.ClientAsAsync(SeedData.AcmeAdmin);
        await admin.PostAsJsonAsync("/api/users", new NewUser("mover@acme.test", null, Roles.Analyst, null, "a fine long password"));
        using var leaver = await fx.ClientAsAsync("mover@acme.test");
        Assert.Equal(HttpStatusCode.OK, (await leaver.GetAsync("/api/dialogues")).StatusCode);
        var id = (await admin.GetFromJsonAsync<List<UserView>>("/api/users"))!.Single(u => u.Email == "mover@acme.test").UserId;

        Assert.Equal(HttpStatusCode.NoContent, (await admin.PostAsync($"/api/users/{id}/disable", null)).StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, (await leaver.GetAsync("/api/dialogues")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/api/dialogues")).StatusCode);
    }

    [Fact]
    public async Task An_admin_changes_role_and_branches_and_the_old_token_is_refused_until_the_user_signs_in_again()
    {
        using var admin = await fx.ClientAsAsync(SeedData.AcmeAdmin);
        await admin.PostAsJsonAsync("/api/users", new NewUser("changer@acme.test", null, Roles.Analyst, null, "a fine long password"));
        using var old = await fx.ClientAsAsync("changer@acme.test");
        Assert.Equal(HttpStatusCode.OK, (await old.GetAsync("/api/dialogues")).StatusCode);
        var id = (await admin.GetFromJsonAsync<List<UserView>>("/api/users"))!.Single(u => u.Email == "changer@acme.test").UserId;

        Assert.Equal(HttpStatusCode.BadRequest, (await admin.PutAsJsonAsync($"/api/users/{id}", new UserAccess("root", ["globex-main"]))).StatusCode);
        using (var globex = await fx.ClientAsAsync(SeedData.GlobexAdmin))
        {
            Assert.Equal(HttpStatusCode.NotFound, (await globex.PutAsJsonAsync($"/api/users/{id}", new UserAccess(Roles.Technician, null))).StatusCode);
        }

        Assert.Equal(HttpStatusCode.NoContent, (await admin.PutAsJsonAsync($"/api/users/{id}", new UserAccess(Roles.Technician, ["acme-north"]))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await old.GetAsync("/api/dialogues")).StatusCode);

        using var fresh = await fx.ClientAsAsync("changer@acme.test");
        Assert.Equal(HttpStatusCode.Forbidden, (await fresh.GetAsync("/api/dialogues")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await fresh.GetAsync("/api/devices")).StatusCode);

        var self = (await admin.GetFromJsonAsync<List<UserView>>("/api/users"))!.Single(u => u.Email == SeedData.AcmeAdmin).UserId;
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.PutAsJsonAsync($"/api/users/{self}", new UserAccess(Roles.Analyst, null))).StatusCode);

        await using var c = new NpgsqlConnection(fx.ConnectionString);
        var details = await c.ExecuteScalarAsync<string>("SELECT details::text FROM audit_log WHERE action = 'user-changed' AND target = @id AND tenant_id = 'acme'", new { id = id.ToString() });
        Assert.Contains("\"roleBefore\": \"analyst\"", details, StringComparison.Ordinal);
        Assert.Contains("\"branches\": \"acme-north\"", details, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_password_reset_ends_the_users_sign_ins_and_the_new_password_works_and_enable_undoes_disable()
    {
        using var admin = await fx.ClientAsAsync(SeedData.AcmeAdmin);
        await admin.PostAsJsonAsync("/api/users", new NewUser("forgetful@acme.test", null, Roles.Analyst, null, "the first long password"));
        using var anon = fx.Factory.CreateClient();
        var tokens = await (await anon.PostAsJsonAsync("/api/auth/login", new LoginRequest("forgetful@acme.test", "the first long password"))).Content.ReadFromJsonAsync<TokenResponse>();
        var id = (await admin.GetFromJsonAsync<List<UserView>>("/api/users"))!.Single(u => u.Email == "forgetful@acme.test").UserId;

        Assert.Equal(HttpStatusCode.BadRequest, (await admin.PostAsJsonAsync($"/api/users/{id}/password", new PasswordReset("short"))).StatusCode);
        using (var globex = await fx.ClientAsAsync(SeedData.GlobexAdmin))
        {
            Assert.Equal(HttpStatusCode.NotFound, (await globex.PostAsJsonAsync($"/api/users/{id}/password", new PasswordReset("globex takes over now"))).StatusCode);
        }

        Assert.Equal(HttpStatusCode.NoContent, (await admin.PostAsJsonAsync($"/api/users/{id}/password", new PasswordReset("the second long password"))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anon.PostAsJsonAsync("/api/auth/refresh", new RefreshRequest(tokens!.RefreshToken))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anon.PostAsJsonAsync("/api/auth/login", new LoginRequest("forgetful@acme.test", "the first long password"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anon.PostAsJsonAsync("/api/auth/login", new LoginRequest("forgetful@acme.test", "the second long password"))).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await admin.PostAsync($"/api/users/{id}/disable", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anon.PostAsJsonAsync("/api/auth/login", new LoginRequest("forgetful@acme.test", "the second long password"))).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.PostAsync($"/api/users/{id}/enable", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.PostAsync($"/api/users/{id}/enable", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anon.PostAsJsonAsync("/api/auth/login", new LoginRequest("forgetful@acme.test", "the second long password"))).StatusCode);

        await using var c = new NpgsqlConnection(fx.ConnectionString);
        Assert.Equal(
            ["user-disabled", "user-enabled", "user-password-reset"],
            (await c.QueryAsync<string>("SELECT action FROM audit_log WHERE target = @id AND tenant_id = 'acme' ORDER BY action", new { id = id.ToString() })).ToArray());
        Assert.Equal(0, await c.ExecuteScalarAsync<int>("SELECT count(*) FROM audit_log WHERE details::text LIKE '%second long password%'"));
    }

    [Fact]
    public async Task The_audit_log_api_pages_the_tenants_entries_for_admins_only()
    {
        using (var anon = fx.Factory.CreateClient())
        {
            for (var i = 0; i < 3; i++)
            {
                await anon.PostAsJsonAsync("/api/auth/login", new LoginRequest(SeedData.AcmeAnalyst, "wrong password " + i));
            }

            await anon.PostAsJsonAsync("/api/auth/login", new LoginRequest(SeedData.GlobexAdmin, "wrong password"));
        }

        using var admin = await fx.ClientAsAsync(SeedData.AcmeAdmin);
        var all = new List<Iot.Dashboard.Audit.AuditRow>();
        long? before = null;
        do
        {
            var page = await admin.GetFromJsonAsync<Iot.Dashboard.Audit.AuditPage>("/api/audit?action=sign-in-failed&pageSize=2" + (before is null ? "" : $"&before={before}"));
            Assert.True(page!.Items.Count <= 2);
            all.AddRange(page.Items);
            before = page.NextBefore;
        }
        while (before is not null);

        Assert.Equal(3, all.Count(a => a.Actor == SeedData.AcmeAnalyst));
        Assert.DoesNotContain(all, a => a.Actor == SeedData.GlobexAdmin);
        Assert.Equal(all.Select(a => a.AuditId).OrderDescending(), all.Select(a => a.AuditId));
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.GetAsync("/api/audit?pageSize=1000")).StatusCode);

        using var analyst = await fx.ClientAsAsync(SeedData.AcmeAnalyst);
        Assert.Equal(HttpStatusCode.Forbidden, (await analyst.GetAsync("/api/audit")).StatusCode);
    }
}
