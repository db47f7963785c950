using Dapper;
using Iot.Dashboard.Hosting;
using Iot.Dashboard.Reports;
using Iot.Dashboard.Reports.Mail;
using Iot.Provisioning.Alerts.Delivery;
using Iot.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using MimeKit;
using Npgsql;
using static Iot.Dashboard.Tests.Reports.ReportsFixture;

namespace Iot.Dashboard.Tests.Reports;

/// <summary>
/// Scheduled report mail on fake time against real PostgreSQL and a real SMTP server (Debian's aiosmtpd): each due
/// period is mailed once with its attachment, by two instances at once, after a restart, and after a failed try.
/// </summary>
public sealed class ReportMailTests(ReportsFixture fx) : IClassFixture<ReportsFixture>
{
    /// <summary>Monday 9 November 2026, 00:30 in Baku: the week 2–8 November and October have just ended.</summary>
    private static readonly DateTimeOffset MondayNight = new(2026, 11, 8, 20, 30, 0, TimeSpan.Zero);

    [Fact]
    public async Task Each_due_period_is_mailed_once_with_its_attachment_across_two_instances_restarts_and_a_failed_try()
    {
        ReportFonts.Install(new ReportOptions().FontDirectory);
        using var sink = await SmtpSink.StartAsync();
        await using var db = NpgsqlDataSource.Create(fx.ConnectionString);
        await using (var c = await db.OpenConnectionAsync())
        {
            foreach (var (email, cadence, format, branch, created) in new (string, string, string, string?, string)[]
            {
                (Admin, "weekly", "pdf", null, "2026-11-02T00:00Z"),     // after 26 Oct–1 Nov ended in Baku: its first mail is 2–8 Nov
                (CenterManager, "monthly", "xlsx", Center, "2026-10-20T00:00Z"),
                (Admin, "weekly", "xlsx", null, "2026-11-09T10:00Z"),      // after the first week ended: its first mail is the next week's
                (Disabled, "weekly", "pdf", null, "2026-11-01T00:00Z"),    // disabled account: never
                (Technician, "weekly", "pdf", null, "2026-11-01T00:00Z"),  // may not read reports: never
            })
            {
                await c.ExecuteAsync(
                    "INSERT INTO report_subscriptions (tenant_id, user_id, cadence, format, branch_id, created_at) VALUES ('kupec', @user, @cadence, @format, @branch, @created::timestamptz)",
                    new { user = fx.Users[email], cadence, format, branch, created });
            }
        }

        var time = new FakeTimeProvider(MondayNight);
        ReportMailer Mailer(int port) => new(db, time, Options.Create(Settings(port)), NullLogger<ReportMailer>.Instance);

        // Two instances at once: each period is claimed by one of them.
        var both = await Task.WhenAll(Mailer(sink.Port).RunOnceAsync(CancellationToken.None), Mailer(sink.Port).RunOnceAsync(CancellationToken.None));
        Assert.Equal(2, both.Sum());
        var mails = sink.Messages();
        Assert.Equal(2, mails.Count);

        var weekly = mails.Single(m => m.To.Mailboxes.Single().Address == Admin);
        Assert.Equal("Weekly summary 2026-11-02 – 2026-11-08 · Kupec", weekly.Subject);
        Assert.Contains("Dialogues: 8 (analysed 6)", weekly.TextBody, StringComparison.Ordinal);
        var (pdfName, pdf) = Attachment(weekly);
        Assert.Equal("summary-20261102-20261108.pdf", pdfName);
        var pdfFile = Path.Combine(Path.GetTempPath(), $"mailed-{Guid.NewGuid():n}.pdf");
        await File.WriteAllBytesAsync(pdfFile, pdf);
        try
        {
            var text = await PdfTools.TextAsync(pdfFile);
            Assert.Contains(CenterName, text, StringComparison.Ordinal);
            Assert.Matches(@"Upsell attempt rate\s+66\.7 %", text);
        }
        finally
        {
            File.Delete(pdfFile);
        }

        // The manager's monthly report: October, her branch only, as XLSX.
        var monthly = mails.Single(m => m.To.Mailboxes.Single().Address == CenterManager);
        var (xlsxName, xlsx) = Attachment(monthly);
        Assert.Equal("summary-20261001-20261031.xlsx", xlsxName);
        var summary = XlsxReader.Read(xlsx)["Summary"].Where(r => r.Count == 2 && r[0] is string).ToDictionary(r => (string)r[0]!, r => r[1]);
        Assert.Equal($"Branch: {CenterName} ({Center})", summary["Scope"]);
        Assert.Equal(0.0, summary["Dialogues"]);

        // A restart (a new instance), later the same week: nothing again.
        Assert.Equal(0, await Mailer(sink.Port).RunOnceAsync(CancellationToken.None));
        time.Advance(TimeSpan.FromDays(3));
        Assert.Equal(0, await Mailer(sink.Port).RunOnceAsync(CancellationToken.None));
        Assert.Equal(2, sink.Messages().Count);

        // The next week ends; the SMTP server is unreachable at first: both weekly mails fail and wait RetryMinutes.
        time.SetUtcNow(MondayNight.AddDays(7));
        Assert.Equal(0, await Mailer(FreePort.Next()).RunOnceAsync(CancellationToken.None));
        await using (var c = await db.OpenConnectionAsync())
        {
            var failed = (await c.QueryAsync<(string Status, int Attempts, string? Error)>("SELECT status, attempts, last_error FROM report_deliveries WHERE period_start = '2026-11-09'")).ToList();
            Assert.Equal(2, failed.Count);
            Assert.All(failed, f => Assert.True(f.Status == "failed" && f.Attempts == 1 && f.Error!.StartsWith("SMTP 127.0.0.1:", StringComparison.Ordinal), f.ToString()));
        }

        time.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal(0, await Mailer(sink.Port).RunOnceAsync(CancellationToken.None));
        time.Advance(TimeSpan.FromMinutes(21));
        Assert.Equal(2, await Mailer(sink.Port).RunOnceAsync(CancellationToken.None));
        Assert.Equal(0, await Mailer(sink.Port).RunOnceAsync(CancellationToken.None));

        var later = sink.Messages().Skip(2).ToList();
        Assert.Equal(2, later.Count);
        Assert.All(later, m => Assert.Equal(Admin, m.To.Mailboxes.Single().Address));
        Assert.Equal(["summary-20261109-20261115.pdf", "summary-20261109-20261115.xlsx"], later.Select(m => Attachment(m).Name).Order(StringComparer.Ordinal));

        await using (var c = await db.OpenConnectionAsync())
        {
            Assert.Equal(4, await c.ExecuteScalarAsync<int>("SELECT count(*) FROM report_deliveries WHERE status = 'sent'"));
            Assert.Equal(0, await c.ExecuteScalarAsync<int>("SELECT count(*) FROM report_deliveries d JOIN report_subscriptions s USING (subscription_id) WHERE s.user_id = ANY (@ids)", new { ids = new[] { fx.Users[Disabled], fx.Users[Technician] } }));
            Assert.Equal(4, await c.ExecuteScalarAsync<int>("SELECT count(*) FROM audit_log WHERE action = 'export' AND target = 'summary' AND details ->> 'via' = 'e-mail'"));
        }
    }

    internal static DashboardOptions Settings(int port)
    {
        var o = new DashboardOptions();
        o.Reports.RetryMinutes = 30;
        o.Reports.MailTimeoutSeconds = 20;
        o.Reports.Smtp = new AlertSmtpOptions { Host = "127.0.0.1", Port = port, From = "Reports <reports@kupec.test>", Security = SmtpSecurity.None };
        return o;
    }

    internal static (string Name, byte[] Bytes) Attachment(MimeMessage message)
    {
        var part = message.Attachments.OfType<MimePart>().Single();
        using var buffer = new MemoryStream();
        part.Content!.DecodeTo(buffer);
        return (part.FileName ?? "", buffer.ToArray());
    }
}
