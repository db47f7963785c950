using Dapper;
using Npgsql;

namespace Iot.Provisioning.Alerts;

/// <summary>
/// One evaluation pass's connection, transaction and clock. <see cref="Now"/> is the evaluator's
/// <see cref="TimeProvider"/> time, passed to every query instead of the database's now(), so tests can move it.
/// <see cref="ListeningSince"/> is when this evaluator started: silence is counted from then at the earliest, so a
/// bridge restarted after an outage does not call every device silent before it has had time to hear from them.
/// </summary>
internal sealed record AlertPass(NpgsqlConnection Connection, NpgsqlTransaction Transaction, DateTimeOffset Now, DateTimeOffset ListeningSince, CancellationToken Cancellation)
{
    /// <summary>
    /// Each tenant's threshold for @rule (its override, else @def), for the tenants that have not switched the rule off.
    /// A tenant missing from <c>th</c> has the rule disabled: none of its causes fire, so its open alerts resolve.
    /// </summary>
    public const string Thresholds =
        """
        th AS (
            SELECT t.tenant_id, coalesce(s.threshold, @def) AS threshold
            FROM tenants t LEFT JOIN alert_rule_settings s ON s.tenant_id = t.tenant_id AND s.rule = @rule
            WHERE coalesce(s.enabled, true))
        """;

    public async Task<List<T>> QueryAsync<T>(string sql, AlertRule rule, object? extra = null)
    {
        var args = new DynamicParameters(extra);
        args.Add("rule", rule.Id);
        args.Add("def", rule.DefaultThreshold);
        args.Add("now", Now);
        var rows = await Connection.QueryAsync<T>(new CommandDefinition(sql, args, Transaction, cancellationToken: Cancellation)).ConfigureAwait(false);
        return rows.AsList();
    }
}
