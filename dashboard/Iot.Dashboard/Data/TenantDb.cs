using System.Data;
using Dapper;
using Npgsql;

namespace Iot.Dashboard.Data;

/// <summary>
/// The single way the dashboard reads and writes tenant data. Every call runs in a transaction as the
/// <c>iot_dashboard_app</c> role with <c>app.tenant_id</c> and <c>app.branches</c> set locally, so PostgreSQL row
/// security (migration 0021) filters every statement, whatever its WHERE clause says. An endpoint cannot forget it.
/// </summary>
public sealed class TenantDb(NpgsqlDataSource dataSource, TenantScope scope)
{
    // jit off: a page's statements run in milliseconds, but at 1 M dialogues their cost estimates pass jit_above_cost and
    // PostgreSQL spent seconds compiling them (seen with auto_explain on the bench database). Same round trip.
    private const string EnterScope = """
        SET LOCAL ROLE iot_dashboard_app;
        SET LOCAL jit = off;
        SELECT set_config('app.tenant_id', @tenant, true), set_config('app.branches', @branches, true), set_config('app.user_id', @user, true);
        """;

    public TenantScope Scope => scope;

    public async Task<T> RunAsync<T>(Func<IDbConnection, IDbTransaction, Task<T>> work, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var tx = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
        await connection.ExecuteAsync(new CommandDefinition(EnterScope, new { tenant = scope.TenantId, branches = scope.BranchSetting, user = scope.UserId }, tx, cancellationToken: ct)).ConfigureAwait(false);
        var result = await work(connection, tx).ConfigureAwait(false);
        await tx.CommitAsync(ct).ConfigureAwait(false);
        return result;
    }

    public Task<IReadOnlyList<T>> QueryAsync<T>(string sql, object? args, CancellationToken ct) =>
        RunAsync<IReadOnlyList<T>>(async (c, tx) => (await c.QueryAsync<T>(new CommandDefinition(sql, args, tx, cancellationToken: ct)).ConfigureAwait(false)).AsList(), ct);

    public Task<T?> QuerySingleAsync<T>(string sql, object? args, CancellationToken ct) =>
        RunAsync((c, tx) => c.QuerySingleOrDefaultAsync<T>(new CommandDefinition(sql, args, tx, cancellationToken: ct)), ct);

    public Task<int> ExecuteAsync(string sql, object? args, CancellationToken ct) =>
        RunAsync((c, tx) => c.ExecuteAsync(new CommandDefinition(sql, args, tx, cancellationToken: ct)), ct);

    /// <summary>A change and its audit row commit together or not at all.</summary>
    public Task<int> ExecuteAuditedAsync(string sql, object? args, AuditEntry audit, CancellationToken ct) =>
        RunAsync(
            async (c, tx) =>
            {
                var changed = await c.ExecuteAsync(new CommandDefinition(sql, args, tx, cancellationToken: ct)).ConfigureAwait(false);
                if (changed > 0)
                {
                    await AuditLog.WriteAsync(c, tx, audit.For(scope.TenantId, scope.Actor), at: null, ct).ConfigureAwait(false);
                }

                return changed;
            },
            ct);

    public Task AuditAsync(AuditEntry audit, CancellationToken ct) =>
        RunAsync(
            async (c, tx) =>
            {
                await AuditLog.WriteAsync(c, tx, audit.For(scope.TenantId, scope.Actor), at: null, ct).ConfigureAwait(false);
                return true;
            },
            ct);
}
