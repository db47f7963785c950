using System.Data;
using System.Text.Json;
using Dapper;

namespace Iot.Cloud.Data.Audit;

/// <summary>One <c>audit_log</c> row: who (<paramref name="Actor"/>, a person or <c>system:…</c>) did what to which target, for which tenant (null = platform-wide).</summary>
/// <param name="Details">Any JSON-serialisable value (a dictionary, a record, an anonymous object), stored as the row's <c>details</c> object; null = <c>{}</c>.</param>
public sealed record AuditRecord(string? TenantId, string Actor, string Action, string? Target, object? Details = null);

/// <summary>
/// The only writer of <c>audit_log</c> (the dashboard, dialogue deletion, retention, the operator API, alerts). Rows are
/// never updated. Each write runs on the caller's connection and transaction, so an audit row commits with the change
/// it records wherever the caller has one; the dashboard's row-security scope (role, tenant) applies to it as well.
/// </summary>
public static class AuditLog
{
    // One statement for one row and for many: the rows travel as one JSON array. at = the caller's clock when given,
    // else the column default's transaction time.
    private const string InsertSql = """
        INSERT INTO audit_log (at, tenant_id, actor, action, target, details)
        SELECT COALESCE(@at::timestamptz, now()), r.tenant_id, r.actor, r.action, r.target, COALESCE(r.details, '{}'::jsonb)
        FROM jsonb_to_recordset(@rows::jsonb) AS r(tenant_id text, actor text, action text, target text, details jsonb)
        """;

    // Web defaults (camelCase properties): records and anonymous objects spell their fields the way the reports and the
    // tests read them; dictionary keys stay as written.
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <param name="at">The time to record; null = the transaction's time (<c>now()</c>).</param>
    public static Task WriteAsync(IDbConnection connection, IDbTransaction? transaction, AuditRecord record, DateTimeOffset? at, CancellationToken ct) =>
        WriteAsync(connection, transaction, [record], at, ct);

    /// <returns>The number of rows written.</returns>
    public static async Task<int> WriteAsync(IDbConnection connection, IDbTransaction? transaction, IReadOnlyCollection<AuditRecord> records, DateTimeOffset? at, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(records);
        if (records.Count == 0)
        {
            return 0;
        }

        foreach (var record in records)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(record.Actor);
            ArgumentException.ThrowIfNullOrWhiteSpace(record.Action);
        }

        var rows = JsonSerializer.Serialize(
            records.Select(r => new Row(r.TenantId, r.Actor, r.Action, r.Target, r.Details is null ? null : JsonSerializer.SerializeToElement(r.Details, r.Details.GetType(), Json))),
            Json);
        return await connection.ExecuteAsync(new CommandDefinition(InsertSql, new { rows, at = at?.ToUniversalTime() }, transaction, cancellationToken: ct)).ConfigureAwait(false);
    }

    // Snake-case names: they are jsonb_to_recordset's column names.
    private sealed record Row(
        [property: System.Text.Json.Serialization.JsonPropertyName("tenant_id")] string? TenantId,
        [property: System.Text.Json.Serialization.JsonPropertyName("actor")] string Actor,
        [property: System.Text.Json.Serialization.JsonPropertyName("action")] string Action,
        [property: System.Text.Json.Serialization.JsonPropertyName("target")] string? Target,
        [property: System.Text.Json.Serialization.JsonPropertyName("details")] JsonElement? Details);
}
