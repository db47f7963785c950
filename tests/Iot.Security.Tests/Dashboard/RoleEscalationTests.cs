using System.Net;
using System.Net.Http.Json;
using Iot.Dashboard.Auth;
using Iot.Security.Tests.Infrastructure;
using Xunit.Abstractions;
using static Iot.Security.Tests.Infrastructure.DashboardTenants;

namespace Iot.Security.Tests.Dashboard;

/// <summary>
/// A branch-scoped admin (Alpha north) tries to widen its own reach through staff accounts: create an all-branch admin,
/// grant the south branch, reset the tenant admin's password, disable it. All refused; managing north-only accounts
/// still works (so the fix is a scope rule, not a blanket ban).
/// </summary>
public sealed class RoleEscalationTests(DashboardHost host, ITestOutputHelper output) : IClassFixture<DashboardHost>
{
    [Fact]
    public async Task Branch_admin_cannot_grant_or_manage_beyond_its_branches_but_manages_its_own()
    {
        using var north = await host.ClientAsAsync(AlphaNorthAdmin);
        var tenantAdmin = host.Tenants.UserIds[AlphaAdmin];
        var northSupervisor = host.Tenants.UserIds[AlphaNorthSupervisor];
        var tried = 0;
        var refused = 0;
        async Task ProbeAsync(string probe, Func<Task<HttpResponseMessage>> call, params HttpStatusCode[] refusals)
        {
            using var response = await call();
            tried++;
            var ok = refusals.Contains(response.StatusCode);
            refused += ok ? 1 : 0;
            ProbeLedger.Record(probe, ok, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }

        try
        {
            await ProbeAsync("create an all-branch admin", () => north.PostAsJsonAsync("/api/users", NewUser("root", Roles.Admin, null)), HttpStatusCode.BadRequest);
            await ProbeAsync("create an admin of the south branch", () => north.PostAsJsonAsync("/api/users", NewUser("south", Roles.Admin, [AlphaNorth, AlphaSouth])), HttpStatusCode.BadRequest);
            await ProbeAsync("reset the tenant admin's password", () => north.PostAsJsonAsync($"/api/users/{tenantAdmin}/password", new { password = "attacker chosen password" }), HttpStatusCode.Forbidden);
            await ProbeAsync("disable the tenant admin", () => north.PostAsync($"/api/users/{tenantAdmin}/disable", null), HttpStatusCode.Forbidden);
            await ProbeAsync("demote the tenant admin", () => north.PutAsJsonAsync($"/api/users/{tenantAdmin}", new { role = Roles.Analyst, branches = new[] { AlphaNorth } }), HttpStatusCode.Forbidden);
            await ProbeAsync("widen a north supervisor to all branches", () => north.PutAsJsonAsync($"/api/users/{northSupervisor}", new { role = Roles.Admin, branches = (string[]?)null }), HttpStatusCode.BadRequest);
            await ProbeAsync("change tenant-wide settings", () => north.PutAsJsonAsync("/api/settings", new { timeZone = "UTC", audioRetentionDays = 1 }), HttpStatusCode.Forbidden);
        }
        finally
        {
            output.WriteLine($"probes: {tried} tried, {refused} refused");
        }

        // Within its branches it is still an admin.
        using (var created = await north.PostAsJsonAsync("/api/users", NewUser("north-analyst", Roles.Analyst, [AlphaNorth])))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        using (var reset = await north.PostAsJsonAsync($"/api/users/{northSupervisor}/password", new { password = "a new password for north" }))
        {
            Assert.Equal(HttpStatusCode.NoContent, reset.StatusCode);
        }

        // And the tenant admin still signs in with its own password.
        using var login = await host.Anonymous().PostAsJsonAsync("/api/auth/login", new { email = AlphaAdmin, password = Password });
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
    }

    private static object NewUser(string name, string role, string[]? branches) =>
        new { email = $"{name}-{Guid.NewGuid():n}@alpha.test", role, branches, password = "probe password long enough" };
}
