using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using Dapper;
using Iot.Dashboard.Data;

namespace Iot.Dashboard.Alerts;

/// <summary>Outcome of a channel change: exactly one member says what happened (none = not found).</summary>
public sealed record ChannelChangeResult(AlertChannelCreated? Saved = null, Dictionary<string, string[]>? Errors = null, string? Conflict = null);

/// <summary>
/// Where the tenant's alerts go besides the dashboard (<c>alert_channels</c>), and the delivery log the fleet service's
/// sender writes (<c>alert_deliveries</c>). Admins of all branches only (policy and row security). The webhook secret is
/// made here, stored once, returned once: the dashboard's role may insert that column but never read or change it, so
/// neither a later screen nor a compromised dashboard session can show it again. Rotating it = a new channel.
/// </summary>
public sealed partial class AlertChannels(TenantDb db, ILogger<AlertChannels> logger)
{
    public const int MaxDeliveryPageSize = 200;
    public const string MqttChannelName = "MQTT alert topic";

    private const string Columns = """
        channel_id AS ChannelId, kind AS Kind, name AS Name, url AS Url, template AS Template, recipients AS Recipients,
        min_severity AS MinSeverity, enabled AS Enabled, created_at AS CreatedAt, created_by AS CreatedBy
        FROM alert_channels
        """;

    public async Task<IReadOnlyList<AlertChannelView>> ListAsync(CancellationToken ct) =>
        [.. (await db.QueryAsync<ChannelRow>($"SELECT {Columns} ORDER BY channel_id", null, ct).ConfigureAwait(false)).Select(r => r.ToView())];

    public Task<ChannelChangeResult> CreateAsync(AlertChannelRequest request, CancellationToken ct)
    {
        var (channel, errors) = ChannelValidator.Check(request, existingKind: null);
        if (channel is null)
        {
            return Task.FromResult(new ChannelChangeResult(Errors: errors));
        }

        return db.RunAsync(
            async (c, tx) =>
            {
                var count = await c.ExecuteScalarAsync<int>(new CommandDefinition("SELECT count(*)::int FROM alert_channels", null, tx, cancellationToken: ct)).ConfigureAwait(false);
                if (count >= ChannelValidator.MaxChannelsPerTenant)
                {
                    return new ChannelChangeResult(Conflict: $"the tenant already has {count} channels (at most {ChannelValidator.MaxChannelsPerTenant}); delete one first");
                }

                // 32 random bytes: the HMAC key the sender signs each webhook body with; the receiver keeps a copy.
                var secret = channel.Kind == "webhook" ? Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32)) : null;

                // RETURNING names granted columns only: the secret column is not readable by this role.
                var id = await c.ExecuteScalarAsync<long>(new CommandDefinition(
                    """
                    INSERT INTO alert_channels (tenant_id, kind, name, url, template, secret, recipients, min_severity, enabled, created_by)
                    VALUES (@tenant, @Kind, @Name, @Url, @template, @secret, @recipients, @minSeverity, @enabled, @actor)
                    RETURNING channel_id
                    """,
                    new
                    {
                        tenant = db.Scope.TenantId, channel.Kind, channel.Name, channel.Url, template = channel.Template ?? "generic", secret,
                        recipients = channel.Recipients?.ToArray(), minSeverity = channel.MinSeverity ?? "warning", enabled = channel.Enabled ?? true, actor = db.Scope.Actor,
                    },
                    tx,
                    cancellationToken: ct)).ConfigureAwait(false);
                var view = await ReadAsync(c, tx, id, ct).ConfigureAwait(false);
                await AuditLog.WriteAsync(c, tx, new AuditEntry(AlertAudit.ChannelCreated, Target(id), Describe(view!)).For(db.Scope.TenantId, db.Scope.Actor), at: null, ct).ConfigureAwait(false);
                LogChannel(logger, "created", id, view!.Kind, db.Scope.Actor);
                return new ChannelChangeResult(new AlertChannelCreated(view, secret));
            },
            ct);
    }

    /// <summary>Null fields keep their value; the URL is replaced only when a new one is given (lists show it masked).</summary>
    public Task<ChannelChangeResult> UpdateAsync(long id, AlertChannelRequest request, CancellationToken ct) =>
        db.RunAsync(
            async (c, tx) =>
            {
                var before = await ReadAsync(c, tx, id, ct, forUpdate: true).ConfigureAwait(false);
                if (before is null)
                {
                    return new ChannelChangeResult();
                }

                var (channel, errors) = ChannelValidator.Check(request, before.Kind);
                if (channel is null)
                {
                    return new ChannelChangeResult(Errors: errors);
                }

                await c.ExecuteAsync(new CommandDefinition(
                    """
                    UPDATE alert_channels SET name = coalesce(@Name, name), url = coalesce(@Url, url), template = coalesce(@Template, template),
                        recipients = coalesce(@recipients, recipients), min_severity = coalesce(@MinSeverity, min_severity), enabled = coalesce(@Enabled, enabled)
                    WHERE channel_id = @id
                    """,
                    new { id, channel.Name, channel.Url, channel.Template, recipients = channel.Recipients?.ToArray(), channel.MinSeverity, channel.Enabled },
                    tx,
                    cancellationToken: ct)).ConfigureAwait(false);
                var after = (await ReadAsync(c, tx, id, ct).ConfigureAwait(false))!;
                var details = Describe(after);
                details["urlReplaced"] = channel.Url is null ? "false" : "true";
                details["before"] = string.Join("; ", Describe(before).Select(kv => $"{kv.Key}={kv.Value}"));
                await AuditLog.WriteAsync(c, tx, new AuditEntry(AlertAudit.ChannelChanged, Target(id), details).For(db.Scope.TenantId, db.Scope.Actor), at: null, ct).ConfigureAwait(false);
                LogChannel(logger, "changed", id, after.Kind, db.Scope.Actor);
                return new ChannelChangeResult(new AlertChannelCreated(after, null));
            },
            ct);

    /// <summary>False when there is no such channel for this caller. Its delivery log rows go with it (foreign key cascade).</summary>
    public Task<bool> DeleteAsync(long id, CancellationToken ct) =>
        db.RunAsync(
            async (c, tx) =>
            {
                var before = await ReadAsync(c, tx, id, ct, forUpdate: true).ConfigureAwait(false);
                if (before is null)
                {
                    return false;
                }

                await c.ExecuteAsync(new CommandDefinition("DELETE FROM alert_channels WHERE channel_id = @id", new { id }, tx, cancellationToken: ct)).ConfigureAwait(false);
                await AuditLog.WriteAsync(c, tx, new AuditEntry(AlertAudit.ChannelDeleted, Target(id), Describe(before)).For(db.Scope.TenantId, db.Scope.Actor), at: null, ct).ConfigureAwait(false);
                LogChannel(logger, "deleted", id, before.Kind, db.Scope.Actor);
                return true;
            },
            ct);

    /// <summary>The delivery log, newest first, with each alert's summary and the channel's name; errors cut to 500 characters.</summary>
    public async Task<AlertDeliveryPage> DeliveriesAsync(string? status, long? channel, long? before, int pageSize, CancellationToken ct)
    {
        var rows = await db.QueryAsync<AlertDeliveryView>(
            $"""
            SELECT dl.delivery_id AS DeliveryId, dl.alert_id AS AlertId, a.rule AS AlertRule, a.severity AS AlertSeverity, a.summary AS AlertSummary,
                   dl.channel_id AS ChannelId, coalesce(ch.name, '{MqttChannelName}') AS ChannelName, dl.event AS Event, dl.status AS Status,
                   dl.attempts AS Attempts, dl.created_at AS CreatedAt, dl.next_attempt_at AS NextAttemptAt, dl.last_attempt_at AS LastAttemptAt,
                   dl.delivered_at AS DeliveredAt, dl.response_status AS ResponseStatus, left(dl.last_error, 500) AS LastError
            FROM alert_deliveries dl
            JOIN alerts a ON a.alert_id = dl.alert_id
            LEFT JOIN alert_channels ch ON ch.channel_id = dl.channel_id
            WHERE (@status::text IS NULL OR dl.status = @status) AND (@channel::bigint IS NULL OR dl.channel_id = @channel)
              AND (@before::bigint IS NULL OR dl.delivery_id < @before)
            ORDER BY dl.delivery_id DESC LIMIT @limit
            """,
            new { status, channel, before, limit = pageSize + 1 },
            ct).ConfigureAwait(false);
        var items = rows.Take(pageSize).ToList();
        return new AlertDeliveryPage(items, rows.Count > pageSize ? items[^1].DeliveryId : null);
    }

    /// <summary>
    /// Scheme, host and the last four characters: enough to tell two hooks apart, not enough to post to one (Slack,
    /// Teams and Bitrix put their token in the path).
    /// </summary>
    public static string? MaskUrl(string? url)
    {
        if (url is null || !Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            return url is null ? null : "…";
        }

        var rest = uri.PathAndQuery;
        var origin = uri.GetLeftPart(UriPartial.Authority);
        return rest.Length <= 1 ? origin + "/" : origin + "/…" + rest[^Math.Min(4, rest.Length - 1)..];
    }

    private static async Task<AlertChannelView?> ReadAsync(System.Data.IDbConnection c, System.Data.IDbTransaction tx, long id, CancellationToken ct, bool forUpdate = false) =>
        (await c.QuerySingleOrDefaultAsync<ChannelRow>(new CommandDefinition(
            $"SELECT {Columns} WHERE channel_id = @id{(forUpdate ? " FOR UPDATE" : "")}", new { id }, tx, cancellationToken: ct)).ConfigureAwait(false))?.ToView();

    private static string Target(long id) => "channel " + id.ToString(CultureInfo.InvariantCulture);

    /// <summary>What the audit row keeps of a channel: never the secret, and the URL masked like the screens show it.</summary>
    private static Dictionary<string, string?> Describe(AlertChannelView v) => new(StringComparer.Ordinal)
    {
        ["kind"] = v.Kind,
        ["name"] = v.Name,
        ["url"] = v.Url,
        ["recipients"] = v.Recipients is null ? null : string.Join(",", v.Recipients),
        ["template"] = v.Template,
        ["minSeverity"] = v.MinSeverity,
        ["enabled"] = v.Enabled ? "true" : "false",
    };

    [LoggerMessage(Level = LogLevel.Information, Message = "Alert channel {ChannelId} ({Kind}) {Change} by {Actor}")]
    private static partial void LogChannel(ILogger logger, string change, long channelId, string kind, string actor);

    private sealed class ChannelRow
    {
        public long ChannelId { get; init; }
        public string Kind { get; init; } = "";
        public string Name { get; init; } = "";
        public string? Url { get; init; }
        public string Template { get; init; } = "";
        public string[]? Recipients { get; init; }
        public string MinSeverity { get; init; } = "";
        public bool Enabled { get; init; }
        public DateTime CreatedAt { get; init; }
        public string? CreatedBy { get; init; }

        public AlertChannelView ToView() => new(ChannelId, Kind, Name, MaskUrl(Url), Template, Recipients, MinSeverity, Enabled, CreatedAt, CreatedBy);
    }
}
