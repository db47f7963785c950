using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Npgsql;
using static Iot.Dashboard.Tests.Reports.ReportsFixture;

namespace Iot.Dashboard.Tests.Reports;

/// <summary>Each user's own report mail subscriptions: created, listed, removed, audited; nobody else's reachable.</summary>
public sealed class SubscriptionApiTests(ReportsFixture fx) : IClassFixture<ReportsFixture>
{
    [Fact]
    public async Task A_user_subscribes_lists_and_removes_their_own_subscription_with_audit_rows()
    {
        using var client = await fx.ClientAsAsync(CenterManager);
        using var created = await client.PostAsJsonAsync("/api/reports/subscriptions", new { cadence = "weekly", format = "xlsx", branch = Center, @operator = "op-ivan" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await created.Content.ReadFromJsonAsync<JsonElement>();
        var id = body.GetProperty("subscriptionId").GetInt64();
        Assert.Equal(CenterName, body.GetProperty("branchName").GetString());
        Assert.Equal(JsonValueKind.Null, body.GetProperty("lastDelivery").ValueKind);

        Assert.Equal(HttpStatusCode.Conflict, (await client.PostAsJsonAsync("/api/reports/subscriptions", new { cadence = "weekly", format = "xlsx", branch = Center, @operator = "op-ivan" })).StatusCode);
        var list = await client.GetFromJsonAsync<JsonElement>("/api/reports/subscriptions");
        Assert.Equal([id], list.EnumerateArray().Select(s => s.GetProperty("subscriptionId").GetInt64()));

        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/api/reports/subscriptions/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.DeleteAsync($"/api/reports/subscriptions/{id}")).StatusCode);
        await using var c = new NpgsqlConnection(fx.ConnectionString);
        var actions = (await c.QueryAsync<string>("SELECT action FROM audit_log WHERE actor = @CenterManager AND target = @target ORDER BY audit_id", new { CenterManager, target = id.ToString(System.Globalization.CultureInfo.InvariantCulture) })).ToList();
        Assert.Equal(["report-subscribed", "report-unsubscribed"], actions);
    }

    [Fact]
    public async Task Nobody_subscribes_to_a_branch_they_cannot_see_nor_sees_or_removes_anyone_elses_subscription()
    {
        using var admin = await fx.ClientAsAsync(Admin);
        using var created = await admin.PostAsJsonAsync("/api/reports/subscriptions", new { cadence = "monthly", format = "pdf", branch = Baku });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var adminsId = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("subscriptionId").GetInt64();

        using var manager = await fx.ClientAsAsync(CenterManager);
        using var rival = await fx.ClientAsAsync(RivalAdmin);
        foreach (var (client, branch) in new[] { (manager, Baku), (manager, RivalBranch), (rival, Center), (rival, Baku) })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsJsonAsync("/api/reports/subscriptions", new { cadence = "weekly", format = "pdf", branch })).StatusCode);
        }

        foreach (var client in new[] { manager, rival })
        {
            Assert.DoesNotContain(adminsId, (await client.GetFromJsonAsync<JsonElement>("/api/reports/subscriptions")).EnumerateArray().Select(s => s.GetProperty("subscriptionId").GetInt64()));
            Assert.Equal(HttpStatusCode.NotFound, (await client.DeleteAsync($"/api/reports/subscriptions/{adminsId}")).StatusCode);
        }

        await using var c = new NpgsqlConnection(fx.ConnectionString);
        Assert.Equal(1, await c.ExecuteScalarAsync<int>("SELECT count(*) FROM report_subscriptions WHERE subscription_id = @adminsId", new { adminsId }));
        Assert.Equal(0, await c.ExecuteScalarAsync<int>("SELECT count(*) FROM report_subscriptions WHERE user_id = ANY (@ids)", new { ids = new[] { fx.Users[RivalAdmin] } }));

        // Row security, not only the endpoint: as the manager, even a direct insert naming another branch is refused.
        await c.OpenAsync();
        await using var tx = await c.BeginTransactionAsync();
        await c.ExecuteAsync("SET LOCAL ROLE iot_dashboard_app; SELECT set_config('app.tenant_id', 'kupec', true), set_config('app.branches', @Center, true), set_config('app.user_id', @user, true)", new { Center, user = fx.Users[CenterManager].ToString() }, tx);
        var ex = await Assert.ThrowsAsync<PostgresException>(() => c.ExecuteAsync(
            "INSERT INTO report_subscriptions (tenant_id, user_id, cadence, format, branch_id, created_at) VALUES ('kupec', @user, 'weekly', 'pdf', @Baku, now())",
            new { user = fx.Users[CenterManager], Baku },
            tx));
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, ex.SqlState);
    }

    [Fact]
    public async Task Bad_subscriptions_are_a_400_naming_the_field()
    {
        using var client = await fx.ClientAsAsync(Analyst);
        foreach (var (input, key) in new (object Input, string Key)[]
        {
            (new { cadence = "daily", format = "pdf" }, "cadence"),
            (new { cadence = "weekly", format = "docx" }, "format"),
            (new { cadence = "weekly", format = "pdf", @operator = new string('o', 101) }, "operator"),
        })
        {
            using var response = await client.PostAsJsonAsync("/api/reports/subscriptions", input);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.True((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty(key, out _), key);
        }
    }
}
