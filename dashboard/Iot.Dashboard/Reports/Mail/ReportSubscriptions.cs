using System.Globalization;
using Dapper;
using Iot.Dashboard.Data;

namespace Iot.Dashboard.Reports.Mail;

public sealed record SubscriptionInput(string? Cadence, string? Format, string? Branch, string? Operator);

/// <summary>The newest period handled for a subscription, as the Reports page shows it.</summary>
public sealed record SubscriptionDelivery(DateTime PeriodStart, DateTime PeriodEnd, string Status, int Attempts, DateTimeOffset? SentAt, string? LastError);

public sealed record Subscription(long SubscriptionId, string Cadence, string Format, string? Branch, string? BranchName, string? Operator, DateTimeOffset CreatedAt, SubscriptionDelivery? LastDelivery);

/// <summary>
/// A user's own report subscriptions. Row security (migration 0066) shows each user only theirs and lets them name only
/// a branch they can see; the checks here turn those refusals into 404/409/400 answers before the insert.
/// </summary>
public sealed class ReportSubscriptions(TenantDb db, TimeProvider time)
{
    public const int MaxPerUser = 20;
    public static readonly IReadOnlyList<string> Cadences = ["weekly", "monthly"];

    public enum Outcome
    {
        Created,
        Invalid,
        BranchNotFound,
        Duplicate,
        TooMany,
    }

    public static Dictionary<string, string[]> Validate(SubscriptionInput input)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (input.Cadence is null || !Cadences.Contains(input.Cadence))
        {
            errors["cadence"] = [$"cadence must be one of {string.Join(", ", Cadences)}"];
        }

        if (input.Format is null || !SummaryFiles.Formats.Contains(input.Format))
        {
            errors["format"] = [$"format must be one of {string.Join(", ", SummaryFiles.Formats)}"];
        }

        if (input.Branch?.Length > SummaryRequest.MaxIdLength)
        {
            errors["branch"] = [$"branch must be at most {SummaryRequest.MaxIdLength} characters"];
        }

        if (input.Operator?.Length > SummaryRequest.MaxIdLength)
        {
            errors["operator"] = [$"operator must be at most {SummaryRequest.MaxIdLength} characters"];
        }

        return errors;
    }

    public Task<IReadOnlyList<Subscription>> ListAsync(CancellationToken ct) =>
        db.RunAsync<IReadOnlyList<Subscription>>(
            async (c, tx) =>
            {
                var rows = await c.QueryAsync<SubscriptionRow>(new CommandDefinition(
                    """
                    SELECT s.subscription_id AS SubscriptionId, s.cadence AS Cadence, s.format AS Format, s.branch_id AS Branch, b.name AS BranchName,
                           s.operator_id AS Operator, s.created_at AS CreatedAt, d.period_start AS PeriodStart, d.period_end AS PeriodEnd,
                           d.status AS Status, d.attempts AS Attempts, d.sent_at AS SentAt, d.last_error AS LastError
                    FROM report_subscriptions s
                    LEFT JOIN branches b ON b.branch_id = s.branch_id
                    LEFT JOIN LATERAL (SELECT * FROM report_deliveries d WHERE d.subscription_id = s.subscription_id ORDER BY period_start DESC LIMIT 1) d ON true
                    ORDER BY s.subscription_id
                    """,
                    transaction: tx,
                    cancellationToken: ct)).ConfigureAwait(false);
                return [.. rows.Select(r => r.ToSubscription())];
            },
            ct);

    public Task<(Outcome Outcome, long Id)> CreateAsync(SubscriptionInput input, CancellationToken ct) =>
        db.RunAsync(
            async (c, tx) =>
            {
                if (input.Branch is not null && await c.ExecuteScalarAsync<int>(new CommandDefinition("SELECT count(*) FROM branches WHERE branch_id = @b", new { b = input.Branch }, tx, cancellationToken: ct)).ConfigureAwait(false) == 0)
                {
                    return (Outcome.BranchNotFound, 0L);
                }

                if (await c.ExecuteScalarAsync<int>(new CommandDefinition("SELECT count(*) FROM report_subscriptions", transaction: tx, cancellationToken: ct)).ConfigureAwait(false) >= MaxPerUser)
                {
                    return (Outcome.TooMany, 0L);
                }

                var id = await c.ExecuteScalarAsync<long?>(new CommandDefinition(
                    """
                    INSERT INTO report_subscriptions (tenant_id, user_id, cadence, format, branch_id, operator_id, created_at)
                    VALUES (@tenant, @user::uuid, @cadence, @format, @branch, @operator, @now)
                    ON CONFLICT DO NOTHING RETURNING subscription_id
                    """,
                    new { tenant = db.Scope.TenantId, user = db.Scope.UserId, cadence = input.Cadence, format = input.Format, branch = input.Branch, @operator = input.Operator, now = time.GetUtcNow().UtcDateTime },
                    tx,
                    cancellationToken: ct)).ConfigureAwait(false);
                if (id is null)
                {
                    return (Outcome.Duplicate, 0L);
                }

                await AuditLog.WriteAsync(c, tx, new AuditEntry(AuditActions.ReportSubscribed, id.Value.ToString(CultureInfo.InvariantCulture), Details(input)).For(db.Scope.TenantId, db.Scope.Actor), at: null, ct).ConfigureAwait(false);
                return (Outcome.Created, id.Value);
            },
            ct);

    /// <summary>False when the id is not one of the caller's own subscriptions (another user's or tenant's is not found).</summary>
    public Task<bool> DeleteAsync(long id, CancellationToken ct) =>
        db.RunAsync(
            async (c, tx) =>
            {
                var gone = await c.QuerySingleOrDefaultAsync<SubscriptionRow>(new CommandDefinition(
                    "DELETE FROM report_subscriptions WHERE subscription_id = @id RETURNING cadence AS Cadence, format AS Format, branch_id AS Branch, operator_id AS Operator",
                    new { id },
                    tx,
                    cancellationToken: ct)).ConfigureAwait(false);
                if (gone is null)
                {
                    return false;
                }

                await AuditLog.WriteAsync(c, tx, new AuditEntry(AuditActions.ReportUnsubscribed, id.ToString(CultureInfo.InvariantCulture), Details(new SubscriptionInput(gone.Cadence, gone.Format, gone.Branch, gone.Operator))).For(db.Scope.TenantId, db.Scope.Actor), at: null, ct).ConfigureAwait(false);
                return true;
            },
            ct);

    private static Dictionary<string, string?> Details(SubscriptionInput input) => new()
    {
        ["cadence"] = input.Cadence,
        ["format"] = input.Format,
        ["branch"] = input.Branch,
        ["operator"] = input.Operator,
    };

    private sealed class SubscriptionRow
    {
        public long SubscriptionId { get; init; }

        public string Cadence { get; init; } = "";

        public string Format { get; init; } = "";

        public string? Branch { get; init; }

        public string? BranchName { get; init; }

        public string? Operator { get; init; }

        public DateTime CreatedAt { get; init; }

        public DateTime? PeriodStart { get; init; }

        public DateTime? PeriodEnd { get; init; }

        public string? Status { get; init; }

        public int Attempts { get; init; }

        public DateTime? SentAt { get; init; }

        public string? LastError { get; init; }

        public Subscription ToSubscription() => new(
            SubscriptionId,
            Cadence,
            Format,
            Branch,
            BranchName,
            Operator,
            new DateTimeOffset(DateTime.SpecifyKind(CreatedAt, DateTimeKind.Utc)),
            Status is null ? null : new SubscriptionDelivery(PeriodStart!.Value, PeriodEnd!.Value, Status, Attempts, SentAt is { } s ? new DateTimeOffset(DateTime.SpecifyKind(s, DateTimeKind.Utc)) : null, LastError));
    }
}
