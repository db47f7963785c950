using System.Globalization;
using System.Text.Json;
using Dapper;
using Iot.Cloud.Data.Audit;

namespace Iot.Provisioning.Alerts;

/// <summary>What one pass changed.</summary>
public sealed record AlertPassResult(bool Evaluated, int Firing, int Opened, int Resolved, int Deliveries);

/// <summary>
/// Writes a pass's firings into <c>alerts</c>, inside the pass's transaction: a firing cause bumps its open row
/// (last_seen_at, occurrences, summary and details refreshed) or opens one; an open row whose cause no longer fires is
/// resolved. The upsert targets the partial unique index <c>alerts_open_cause</c>, so even two evaluators that both got
/// past the advisory lock could not open the same cause twice. Every open and resolve enqueues its deliveries (the MQTT
/// alert topic, and each enabled channel of the tenant whose minimum severity it reaches) and an audit row; an
/// acknowledgement made in the dashboard since the last pass enqueues its deliveries too (the dashboard wrote its audit).
/// </summary>
internal static class AlertBook
{
    public const string Actor = "alerts";
    public const string OpenedAction = "alert-opened";
    public const string ResolvedAction = "alert-resolved";
    public const string AcknowledgedEvent = "acknowledged";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private sealed record Touched(long AlertId, bool Opened, string? TenantId, string Severity, string Rule, string Subject, string Summary);

    private sealed record Channel(long ChannelId, string TenantId, string MinSeverity);

    public static async Task<AlertPassResult> ApplyAsync(AlertPass pass, IReadOnlyList<AlertFiring> firings)
    {
        // One cause once: the multi-row upsert may not touch the same row twice.
        var causes = firings.GroupBy(f => (f.TenantId ?? "", f.Rule, f.Subject)).Select(g => g.First()).ToList();
        var rows = causes.Select(f => new
        {
            tenant_id = f.TenantId,
            branch_id = f.BranchId,
            device_id = f.DeviceId,
            rule = f.Rule,
            subject = f.Subject,
            severity = f.Severity,
            summary = f.Summary,
            details = f.Details(),
        });
        var c = pass.Connection;
        var upserted = causes.Count == 0 ? [] : (await c.QueryAsync<Touched>(new CommandDefinition(
            """
            INSERT INTO alerts (tenant_id, branch_id, device_id, rule, subject, severity, summary, details, first_seen_at, last_seen_at)
            SELECT r.tenant_id, r.branch_id, r.device_id, r.rule, r.subject, r.severity, r.summary, r.details, @now, @now
            FROM jsonb_to_recordset(@rows::jsonb) AS r(tenant_id text, branch_id text, device_id text, rule text, subject text,
                                                       severity text, summary text, details jsonb)
            ON CONFLICT ((coalesce(tenant_id, '')), rule, subject) WHERE resolved_at IS NULL
            DO UPDATE SET last_seen_at = excluded.last_seen_at, occurrences = alerts.occurrences + 1, summary = excluded.summary,
                          details = excluded.details, severity = excluded.severity, branch_id = excluded.branch_id, device_id = excluded.device_id
            RETURNING alert_id AS AlertId, (xmax = 0) AS Opened, tenant_id AS TenantId, severity AS Severity, rule AS Rule,
                      subject AS Subject, summary AS Summary
            """,
            new { rows = JsonSerializer.Serialize(rows, Json), now = pass.Now },
            pass.Transaction,
            cancellationToken: pass.Cancellation)).ConfigureAwait(false)).AsList();
        var keep = upserted.Select(u => u.AlertId).ToArray();
        var resolved = (await c.QueryAsync<Touched>(new CommandDefinition(
            """
            UPDATE alerts SET resolved_at = @now
            WHERE resolved_at IS NULL AND NOT (alert_id = ANY (@keep))
            RETURNING alert_id AS AlertId, false AS Opened, tenant_id AS TenantId, severity AS Severity, rule AS Rule,
                      subject AS Subject, summary AS Summary
            """,
            new { keep, now = pass.Now },
            pass.Transaction,
            cancellationToken: pass.Cancellation)).ConfigureAwait(false)).AsList();

        var opened = upserted.Where(u => u.Opened).ToList();
        var events = opened.Select(o => (Alert: o, Event: "opened")).Concat(resolved.Select(r => (Alert: r, Event: "resolved"))).ToList();
        await AuditAsync(pass, events).ConfigureAwait(false);

        // The dashboard acknowledges (and audits) but may not write deliveries; the next pass tells the channels. Only
        // recent acknowledgements are looked at, so an old one is never announced late after the row was trimmed.
        var acknowledged = (await c.QueryAsync<Touched>(new CommandDefinition(
            """
            SELECT a.alert_id AS AlertId, false AS Opened, a.tenant_id AS TenantId, a.severity AS Severity, a.rule AS Rule,
                   a.subject AS Subject, a.summary AS Summary
            FROM alerts a
            WHERE a.acknowledged_at > @now - interval '1 day'
              AND NOT EXISTS (SELECT 1 FROM alert_deliveries d WHERE d.alert_id = a.alert_id AND d.event = 'acknowledged')
            """,
            new { now = pass.Now },
            pass.Transaction,
            cancellationToken: pass.Cancellation)).ConfigureAwait(false)).AsList();
        events.AddRange(acknowledged.Select(a => (Alert: a, Event: AcknowledgedEvent)));
        var deliveries = await EnqueueAsync(pass, events).ConfigureAwait(false);
        return new AlertPassResult(true, causes.Count, opened.Count, resolved.Count, deliveries);
    }

    private static async Task<int> EnqueueAsync(AlertPass pass, List<(Touched Alert, string Event)> events)
    {
        if (events.Count == 0)
        {
            return 0;
        }

        var tenants = events.Select(e => e.Alert.TenantId).OfType<string>().Distinct().ToArray();
        var channels = (await pass.Connection.QueryAsync<Channel>(new CommandDefinition(
            "SELECT channel_id AS ChannelId, tenant_id AS TenantId, min_severity AS MinSeverity FROM alert_channels WHERE enabled AND tenant_id = ANY (@tenants)",
            new { tenants },
            pass.Transaction,
            cancellationToken: pass.Cancellation)).ConfigureAwait(false)).AsList();

        // channel_id null = the MQTT alert topic (the tenant's, or the platform's for a platform alert); platform alerts
        // go to no tenant's channels.
        var rows = new List<object>();
        foreach (var (alert, what) in events)
        {
            rows.Add(new { alert_id = alert.AlertId, tenant_id = alert.TenantId, channel_id = (long?)null, @event = what });
            foreach (var ch in channels.Where(ch => ch.TenantId == alert.TenantId && AlertRuleCatalog.Reaches(alert.Severity, ch.MinSeverity)))
            {
                rows.Add(new { alert_id = alert.AlertId, tenant_id = alert.TenantId, channel_id = (long?)ch.ChannelId, @event = what });
            }
        }

        await pass.Connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO alert_deliveries (alert_id, tenant_id, channel_id, event)
            SELECT r.alert_id, r.tenant_id, r.channel_id, r.event
            FROM jsonb_to_recordset(@rows::jsonb) AS r(alert_id bigint, tenant_id text, channel_id bigint, event text)
            """,
            new { rows = JsonSerializer.Serialize(rows, Json) },
            pass.Transaction,
            cancellationToken: pass.Cancellation)).ConfigureAwait(false);
        return rows.Count;
    }

    private static async Task AuditAsync(AlertPass pass, List<(Touched Alert, string Event)> events)
    {
        if (events.Count == 0)
        {
            return;
        }

        var rows = events.Select(e => new AuditRecord(
            e.Alert.TenantId,
            Actor,
            e.Event == "opened" ? OpenedAction : ResolvedAction,
            e.Alert.AlertId.ToString(CultureInfo.InvariantCulture),
            new { rule = e.Alert.Rule, subject = e.Alert.Subject, severity = e.Alert.Severity, summary = e.Alert.Summary })).ToList();
        await AuditLog.WriteAsync(pass.Connection, pass.Transaction, rows, pass.Now, pass.Cancellation).ConfigureAwait(false);
    }
}
