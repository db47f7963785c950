using System.Globalization;
using System.Net.Sockets;
using Dapper;
using Iot.Dashboard.Auth;
using Iot.Dashboard.Data;
using Iot.Dashboard.Hosting;
using Iot.Provisioning.Alerts.Delivery;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;
using Npgsql;

namespace Iot.Dashboard.Reports.Mail;

/// <summary>
/// One pass of scheduled report mail. For every subscription of an enabled user who may read reports, each of the last
/// <see cref="ReportOptions.BackfillPeriods"/> periods that have ended (Monday–Sunday, or calendar month, in the tenant's
/// time zone) after the subscription was made is due unless it was sent, skipped, gave up, or is claimed/failed within
/// <see cref="ReportOptions.RetryMinutes"/>; older periods first, so mail missed while no dashboard ran (an outage, an
/// upgrade over a weekend) arrives afterwards in order. A period is claimed by
/// inserting its <c>report_deliveries</c> row (primary key: subscription and period start), so of several instances,
/// or a restarted one, exactly one sends it; a claim left by an instance that died mid-send is taken over after
/// <see cref="ReportOptions.RetryMinutes"/>, so a crash can at worst repeat one mail, never lose it.
/// The report is made with the user's CURRENT tenant, role and branches through <see cref="TenantDb"/>, i.e. under the
/// same row security as a download by that user now: a subscription never outlives the access behind it.
/// Periods further back than that are not sent: a report from months ago that nobody missed is noise, not a back-fill.
/// </summary>
public sealed partial class ReportMailer(NpgsqlDataSource dataSource, TimeProvider time, IOptions<DashboardOptions> options, ILogger<ReportMailer> logger)
{
    private const int Batch = 50;
    private static readonly string[] ReadingRoles = [Roles.Admin, Roles.Supervisor, Roles.Analyst];
    private readonly string _instance = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():n}";

    /// <summary>A due subscription and period (a class with setters: Dapper maps a text[] column onto a property, not a constructor).</summary>
    private sealed class Due
    {
        public long SubscriptionId { get; init; }

        public string TenantId { get; init; } = "";

        public Guid UserId { get; init; }

        public string Cadence { get; init; } = "";

        public string Format { get; init; } = "";

        public string? BranchId { get; init; }

        public string? OperatorId { get; init; }

        public string Email { get; init; } = "";

        public string Role { get; init; } = "";

        public string[]? Branches { get; init; }

        /// <summary>The subscriber's own dashboard language; null = English (a mail has no browser to ask).</summary>
        public string? Language { get; init; }

        public DateTime PeriodStart { get; init; }

        public DateTime PeriodEnd { get; init; }
    }

    /// <summary>Sends what is due now; returns how many mails went out.</summary>
    public async Task<int> RunOnceAsync(CancellationToken ct)
    {
        var o = options.Value.Reports;
        if (!o.Smtp.Configured)
        {
            return 0;
        }

        var now = time.GetUtcNow();
        var retryBefore = now.AddMinutes(-o.RetryMinutes);
        await using var c = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        var due = (await c.QueryAsync<Due>(new CommandDefinition(
            """
            WITH s AS (
                SELECT s.subscription_id, s.tenant_id, s.user_id, s.cadence, s.format, s.branch_id, s.operator_id, s.created_at,
                       u.email, u.role, u.branches, u.language, coalesce(ts.time_zone, 'Etc/UTC') AS zone
                FROM report_subscriptions s
                JOIN dashboard_users u ON u.user_id = s.user_id AND u.tenant_id = s.tenant_id
                LEFT JOIN tenant_settings ts ON ts.tenant_id = s.tenant_id
                WHERE u.disabled_at IS NULL AND u.role = ANY (@roles)),
            p AS (
                SELECT s.*, date_trunc(CASE cadence WHEN 'weekly' THEN 'week' ELSE 'month' END, @now AT TIME ZONE zone)
                            - g * CASE cadence WHEN 'weekly' THEN interval '1 week' ELSE interval '1 month' END AS hi_local
                FROM s, generate_series(0, @backfill - 1) AS g),
            q AS (
                SELECT p.*, (hi_local - CASE cadence WHEN 'weekly' THEN interval '1 week' ELSE interval '1 month' END)::date AS period_start FROM p)
            SELECT subscription_id AS SubscriptionId, tenant_id AS TenantId, user_id AS UserId, cadence AS Cadence, format AS Format,
                   branch_id AS BranchId, operator_id AS OperatorId, email AS Email, role AS Role, branches AS Branches, language AS Language,
                   period_start::timestamp AS PeriodStart, (hi_local::date - 1)::timestamp AS PeriodEnd
            FROM q
            WHERE hi_local AT TIME ZONE zone > created_at
              AND NOT EXISTS (SELECT 1 FROM report_deliveries d WHERE d.subscription_id = q.subscription_id AND d.period_start = q.period_start
                              AND (d.status IN ('sent', 'skipped') OR d.attempts >= @maxAttempts OR d.claimed_at > @retryBefore))
            ORDER BY subscription_id, period_start
            LIMIT @batch
            """,
            new { roles = ReadingRoles, now = now.UtcDateTime, maxAttempts = o.MaxAttempts, retryBefore = retryBefore.UtcDateTime, batch = Batch, backfill = o.BackfillPeriods },
            cancellationToken: ct)).ConfigureAwait(false)).ToList();

        var sent = 0;
        foreach (var d in due)
        {
            if (await ClaimAsync(c, d, now, retryBefore, o.MaxAttempts, ct).ConfigureAwait(false))
            {
                sent += await DeliverAsync(c, d, o, ct).ConfigureAwait(false) ? 1 : 0;
            }
        }

        return sent;
    }

    private async Task<bool> ClaimAsync(NpgsqlConnection c, Due d, DateTimeOffset now, DateTimeOffset retryBefore, int maxAttempts, CancellationToken ct) =>
        await c.ExecuteScalarAsync<int?>(new CommandDefinition(
            """
            INSERT INTO report_deliveries AS d (subscription_id, period_start, period_end, status, attempts, claimed_at, claimed_by)
            VALUES (@id, @start::date, @end::date, 'sending', 1, @now, @instance)
            ON CONFLICT (subscription_id, period_start) DO UPDATE SET status = 'sending', attempts = d.attempts + 1, claimed_at = @now, claimed_by = @instance
            WHERE d.status IN ('sending', 'failed') AND d.claimed_at <= @retryBefore AND d.attempts < @maxAttempts
            RETURNING attempts
            """,
            new { id = d.SubscriptionId, start = d.PeriodStart, end = d.PeriodEnd, now = now.UtcDateTime, instance = _instance, retryBefore = retryBefore.UtcDateTime, maxAttempts },
            cancellationToken: ct)).ConfigureAwait(false) is not null;

    private async Task<bool> DeliverAsync(NpgsqlConnection c, Due d, ReportOptions o, CancellationToken ct)
    {
        var request = new SummaryRequest(DateOnly.FromDateTime(d.PeriodStart), DateOnly.FromDateTime(d.PeriodEnd), d.BranchId, d.OperatorId);
        var db = new TenantDb(dataSource, new TenantScope(d.TenantId, d.UserId.ToString(), d.Email, d.Role, d.Branches));
        try
        {
            var summary = await new SummaryQueries(db, time).GetAsync(request, ct).ConfigureAwait(false);
            if (summary is null)
            {
                // The user lost the branch since subscribing: nothing to send, and nothing to retry.
                await FinishAsync(c, d, "skipped", "the branch is no longer among the user's branches", ct).ConfigureAwait(false);
                LogSkipped(d.SubscriptionId, d.BranchId);
                return false;
            }

            var language = ReportLanguage.For(d.Language);
            var attachment = await SummaryFiles.RenderAsync(summary, language, d.Format, ct).ConfigureAwait(false);
            var message = ReportMail.Compose(summary, language, d.Cadence, d.Format, attachment, MailboxAddress.Parse(o.Smtp.From!), new MailboxAddress(null, d.Email));
            using (var cts = CancellationTokenSource.CreateLinkedTokenSource(ct))
            {
                cts.CancelAfter(TimeSpan.FromSeconds(o.MailTimeoutSeconds));
                await SmtpSubmission.SendAsync(o.Smtp, message, TimeSpan.FromSeconds(o.MailTimeoutSeconds), cts.Token).ConfigureAwait(false);
            }

            await FinishAsync(c, d, "sent", null, ct).ConfigureAwait(false);

            // What left the building, as for a download: the user is the actor, the mail the route.
            await db.AuditAsync(
                new AuditEntry(AuditActions.Export, "summary", new Dictionary<string, string?>
                {
                    ["format"] = d.Format,
                    ["from"] = request.From.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                    ["to"] = request.To.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                    ["branch"] = d.BranchId,
                    ["operator"] = d.OperatorId,
                    ["via"] = "e-mail",
                    ["subscription"] = d.SubscriptionId.ToString(CultureInfo.InvariantCulture),
                }),
                ct).ConfigureAwait(false);
            LogSent(d.SubscriptionId, d.Cadence, request.From, request.To);
            return true;
        }
        catch (Exception ex) when (!ct.IsCancellationRequested && ex is SmtpCommandException or SmtpProtocolException or AuthenticationException or SslHandshakeException
                                       or SocketException or IOException or ServiceNotConnectedException or TimeoutException or OperationCanceledException)
        {
            var error = ex is OperationCanceledException ? $"SMTP did not finish within {o.MailTimeoutSeconds} s" : $"SMTP {o.Smtp.Host}:{o.Smtp.Port}: {ex.Message}";
            await FinishAsync(c, d, "failed", error, CancellationToken.None).ConfigureAwait(false);
            LogFailed(d.SubscriptionId, error);
            return false;
        }
    }

    private static Task FinishAsync(NpgsqlConnection c, Due d, string status, string? error, CancellationToken ct) =>
        c.ExecuteAsync(new CommandDefinition(
            """
            UPDATE report_deliveries SET status = @status, last_error = coalesce(left(@error, 500), last_error),
                   sent_at = CASE WHEN @status = 'sent' THEN now() END
            WHERE subscription_id = @id AND period_start = @start::date
            """,
            new { status, error, id = d.SubscriptionId, start = d.PeriodStart },
            cancellationToken: ct));

    [LoggerMessage(Level = LogLevel.Information, Message = "Report subscription {Subscription} ({Cadence}) sent for {From}..{To}")]
    private partial void LogSent(long subscription, string cadence, DateOnly from, DateOnly to);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Report subscription {Subscription} not sent: {Error}; retried later")]
    private partial void LogFailed(long subscription, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Report subscription {Subscription} skipped: branch {Branch} is no longer visible to its user")]
    private partial void LogSkipped(long subscription, string? branch);
}
