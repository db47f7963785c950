using Dapper;
using Iot.Dashboard.Auth;
using Iot.Dashboard.Data;
using Iot.Dashboard.Tests.Infrastructure;
using Npgsql;

namespace Iot.Dashboard.Tests.Data;

/// <summary>The isolation lives in PostgreSQL, so even SQL that forgets the tenant cannot cross it.</summary>
public sealed class RowSecurityTests(DashboardFixture fx) : IClassFixture<DashboardFixture>
{
    private TenantDb Db(string tenant, IReadOnlyList<string>? branches = null) =>
        new(NpgsqlDataSource.Create(fx.ConnectionString), new TenantScope(tenant, Guid.NewGuid().ToString(), "test@" + tenant, Roles.Admin, branches));

    [Fact]
    public async Task A_query_without_any_tenant_filter_sees_only_the_scopes_rows()
    {
        var acme = Db(SeedData.Acme);
        Assert.Equal(SeedData.AcmeBulkDialogues + 2, await acme.QuerySingleAsync<int>("SELECT count(*) FROM dialogues", null, default));
        Assert.Equal(1, await acme.QuerySingleAsync<int>("SELECT count(*) FROM transcripts", null, default));
        Assert.Equal(1, await acme.QuerySingleAsync<int>("SELECT count(*) FROM chunks", null, default));
        Assert.Equal([SeedData.Acme], await acme.QueryAsync<string>("SELECT DISTINCT tenant_id FROM devices", null, default));
        Assert.Equal(1, await Db(SeedData.Globex).QuerySingleAsync<int>("SELECT count(*) FROM dialogues", null, default));
    }

    [Fact]
    public async Task Branch_limits_apply_to_dialogues_devices_and_what_hangs_off_them()
    {
        var south = Db(SeedData.Acme, ["acme-south"]);
        Assert.Equal(1, await south.QuerySingleAsync<int>("SELECT count(*) FROM dialogues", null, default));
        Assert.Equal(0, await south.QuerySingleAsync<int>("SELECT count(*) FROM transcripts", null, default));
        Assert.Equal(0, await south.QuerySingleAsync<int>("SELECT count(*) FROM chunks", null, default));
    }

    [Fact]
    public async Task Writes_cannot_reach_or_create_another_tenants_rows()
    {
        var acme = Db(SeedData.Acme);
        Assert.Equal(0, await acme.ExecuteAsync("UPDATE dialogues SET deleted_at = now() WHERE dialogue_id = @id", new { id = fx.Seed.GlobexDialogue }, default));
        await Assert.ThrowsAsync<PostgresException>(() =>
            acme.ExecuteAsync("INSERT INTO audit_log (tenant_id, actor, action) VALUES ('globex', 'x', 'forged')", null, default));
        await Assert.ThrowsAsync<PostgresException>(() => acme.ExecuteAsync("DELETE FROM dialogues", null, default));

        await using var c = new NpgsqlConnection(fx.ConnectionString);
        Assert.Null(await c.ExecuteScalarAsync<DateTime?>("SELECT deleted_at FROM dialogues WHERE dialogue_id = @id", new { id = fx.Seed.GlobexDialogue }));
    }

    [Fact]
    public async Task The_scope_does_not_outlive_its_transaction_on_a_pooled_connection()
    {
        var dataSource = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(fx.ConnectionString) { MaxPoolSize = 1 }.ConnectionString);
        var acme = new TenantDb(dataSource, new TenantScope(SeedData.Acme, "u", "a", Roles.Admin, null));
        await acme.QuerySingleAsync<int>("SELECT count(*) FROM dialogues", null, default);
        await using var c = await dataSource.OpenConnectionAsync();
        Assert.Equal(SeedData.AcmeBulkDialogues + 3, await c.ExecuteScalarAsync<int>("SELECT count(*) FROM dialogues"));
        Assert.Equal("", await c.ExecuteScalarAsync<string>("SELECT coalesce(current_setting('app.tenant_id', true), '')"));
    }

    [Fact]
    public async Task Child_rows_take_their_dialogues_tenant_and_branch_and_follow_a_branch_change()
    {
        await using var c = new NpgsqlConnection(fx.ConnectionString);
        var id = Guid.CreateVersion7();

        // Written the way the pipeline writes: no tenant or branch on the child rows.
        await c.ExecuteAsync(
            """
            INSERT INTO dialogues (dialogue_id, tenant_id, branch_id, device_id, started_at, ended_at) VALUES (@id, 'acme', 'acme-north', 'acme-d1', now(), now());
            INSERT INTO transcripts (dialogue_id, engine, language, text, utterances) VALUES (@id, 'whisper', 'en', 'moved text', '[]');
            """,
            new { id });
        Assert.Equal(("acme", "acme-north"), await c.QuerySingleAsync<(string, string)>("SELECT tenant_id, branch_id FROM transcripts WHERE dialogue_id = @id", new { id }));

        try
        {
            var south = Db(SeedData.Acme, ["acme-south"]);
            Assert.Equal(0, await south.QuerySingleAsync<int>("SELECT count(*) FROM transcripts WHERE dialogue_id = @id", new { id }, default));
            await c.ExecuteAsync("UPDATE dialogues SET branch_id = 'acme-south' WHERE dialogue_id = @id", new { id });
            Assert.Equal(1, await south.QuerySingleAsync<int>("SELECT count(*) FROM transcripts WHERE dialogue_id = @id", new { id }, default));
        }
        finally
        {
            // The class shares one database; the other tests count dialogues.
            await c.ExecuteAsync("DELETE FROM transcripts WHERE dialogue_id = @id; DELETE FROM dialogues WHERE dialogue_id = @id", new { id });
        }
    }
}
