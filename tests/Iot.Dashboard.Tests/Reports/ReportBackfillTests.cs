using Dapper;
using Iot.Dashboard.Reports;
using Iot.Dashboard.Reports.Mail;
using Iot.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using static Iot.Dashboard.Tests.Reports.ReportsFixture;

namespace Iot.Dashboard.Tests.Reports;

/// <summary>
/// Mail missed while no dashboard ran arrives afterwards: every ended period since the subscription, oldest first, at
/// most <see cref="ReportOptions.BackfillPeriods"/> of them, each once (own fixture: its own database and counts).
/// </summary>
public sealed class ReportBackfillTests(ReportsFixture fx) : IClassFixture<ReportsFixture>
{
    /// <summary>Monday 23 November 2026, 00:30 in Baku: the mailer last ran never; weeks up to 16–22 Nov and October have ended.</summary>
    private static readonly DateTimeOffset ThreeWeeksLate = new(2026, 11, 22, 20, 30, 0, TimeSpan.Zero);

    [Fact]
    public async Task Periods_missed_while_no_mailer_ran_are_sent_oldest_first_up_to_the_backfill_limit_and_none_before_the_subscription()
    {
        ReportFonts.Install(new ReportOptions().FontDirectory);
        using var sink = await SmtpSink.StartAsync();
        await using var db = NpgsqlDataSource.Create(fx.ConnectionString);
        await using (var c = await db.OpenConnectionAsync())
        {
            foreach (var (email, cadence, format, created) in new[]
            {
                (Admin, "weekly", "pdf", "2026-10-01T00:00Z"),           // seven weeks ended since: only the last four are sent
                (CenterManager, "monthly", "xlsx", "2026-08-15T00:00Z"),  // July ended before it was made: August to October
            })
            {
                await c.ExecuteAsync(
                    "INSERT INTO report_subscriptions (tenant_id, user_id, cadence, format, branch_id, created_at) VALUES ('kupec', @user, @cadence, @format, NULL, @created::timestamptz)",
                    new { user = fx.Users[email], cadence, format, created });
            }
        }

        var time = new FakeTimeProvider(ThreeWeeksLate);
        var settings = ReportMailTests.Settings(sink.Port);
        Assert.Equal(4, settings.Reports.BackfillPeriods);
        var mailer = new ReportMailer(db, time, Options.Create(settings), NullLogger<ReportMailer>.Instance);

        Assert.Equal(7, await mailer.RunOnceAsync(CancellationToken.None));
        Assert.Equal(0, await mailer.RunOnceAsync(CancellationToken.None));

        // In the order sent: each subscription's periods oldest first.
        var mails = sink.Messages();
        Assert.Equal(
            ["summary-20261026-20261101.pdf", "summary-20261102-20261108.pdf", "summary-20261109-20261115.pdf", "summary-20261116-20261122.pdf"],
            mails.Where(m => m.To.Mailboxes.Single().Address == Admin).Select(m => ReportMailTests.Attachment(m).Name));
        Assert.Equal(
            ["summary-20260801-20260831.xlsx", "summary-20260901-20260930.xlsx", "summary-20261001-20261031.xlsx"],
            mails.Where(m => m.To.Mailboxes.Single().Address == CenterManager).Select(m => ReportMailTests.Attachment(m).Name));

        // The next week: only that week, the back-filled ones are not repeated.
        time.Advance(TimeSpan.FromDays(7));
        Assert.Equal(1, await mailer.RunOnceAsync(CancellationToken.None));
        Assert.Equal("summary-20261123-20261129.pdf", ReportMailTests.Attachment(sink.Messages()[^1]).Name);
        await using (var c = await db.OpenConnectionAsync())
        {
            Assert.Equal(8, await c.ExecuteScalarAsync<int>("SELECT count(*) FROM report_deliveries WHERE status = 'sent'"));
        }
    }

    [Fact]
    public void A_backfill_limit_out_of_range_fails_start_up_naming_the_key()
    {
        var o = ReportMailTests.Settings(25);
        o.Reports.BackfillPeriods = 0;
        var result = new ReportOptionsValidator().Validate(null, o);
        Assert.True(result.Failed);
        Assert.Contains("Dashboard:Reports:BackfillPeriods 0 must be 1..53", result.FailureMessage, StringComparison.Ordinal);
    }
}
