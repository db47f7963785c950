using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
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
using Xunit.Abstractions;
using static Iot.Dashboard.Tests.Reports.ReportsFixture;

namespace Iot.Dashboard.Tests.Reports;

/// <summary>
/// Issue 19 item 6 for the summaries: a download is written in the language the pages would use for the request (the
/// account's choice, else the browser's), a scheduled mail in the subscriber's own language (none = English). The
/// figures are <see cref="SummaryReportTests"/>' Baku week, here with the culture's decimal comma and short dates;
/// the PDFs are rendered (pdftoppm) and read back (pdftotext) to show DejaVu draws Cyrillic and ə ğ ş ı.
/// Own fixture (own database): the account languages set here must not reach the English tests.
/// </summary>
public sealed class ReportLanguageTests(ReportsFixture fx, ITestOutputHelper output) : IClassFixture<ReportsFixture>
{
    private const string Week = "from=2026-11-02&to=2026-11-08";

    /// <summary>Monday 9 November 2026, 00:30 in Baku: the week 2–8 November has just ended.</summary>
    private static readonly DateTimeOffset MondayNight = new(2026, 11, 8, 20, 30, 0, TimeSpan.Zero);

    private static readonly CultureInfo Ru = CultureInfo.GetCultureInfo("ru");

    [Fact]
    public async Task A_russian_browser_gets_the_summary_pdf_in_russian_with_decimal_commas_and_russian_dates()
    {
        using var client = await fx.ClientAsAsync(Admin);
        client.DefaultRequestHeaders.AcceptLanguage.ParseAdd("ru-RU,ru;q=0.9,en;q=0.5");
        var text = await PdfTextAsync(client, "summary-pdf-ru");

        Assert.Contains("Сводный отчёт", text, StringComparison.Ordinal);
        Assert.Contains($"{new DateOnly(2026, 11, 2).ToString("d", Ru)} – {new DateOnly(2026, 11, 8).ToString("d", Ru)} (Asia/Baku)", text, StringComparison.Ordinal);
        Assert.Contains("02.11.2026 – 08.11.2026", text, StringComparison.Ordinal);
        Assert.Contains("Все филиалы", text, StringComparison.Ordinal);
        Assert.Matches(@"Диалоги\s+8\n", text);
        Assert.Matches(@"Проанализировано диалогов\s+6\n", text);
        Assert.Matches(@"Доля попыток допродажи\s+66,7 %", text);
        Assert.Matches(@"Доля согласий \(от попыток\)\s+50,0 %", text);
        Assert.Matches(@"Среднее качество \(0–100\)\s+65,0", text);
        Assert.Matches(@"Выполнение чек-листа\s+63,6 %", text);
        Assert.Contains("По филиалам", text, StringComparison.Ordinal);
        Assert.Contains("По операторам", text, StringComparison.Ordinal);
        Assert.Matches(@"Допродажи\s+Согласия\s+Ср\. качество\s+Чек-лист", text);
        Assert.Matches(CenterName + @"\s+5\s+75,0 %\s+66,7 %\s+67,5\s+75,0 %", text);
        Assert.Matches(TashName + @"\s+1\s+0,0 %\s+—\s+50,0\s+100,0 %", text);
        Assert.Contains("стр. 1", text, StringComparison.Ordinal);

        // No English left over, and no heading cut short with an ellipsis.
        Assert.DoesNotContain("Upsell", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Summary", text, StringComparison.Ordinal);
        Assert.DoesNotContain("…", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_account_that_chose_azerbaijani_gets_the_pdf_and_xlsx_in_azerbaijani_although_the_browser_asks_for_english()
    {
        await using (var c = new NpgsqlConnection(fx.ConnectionString))
        {
            await c.ExecuteAsync("UPDATE dashboard_users SET language = 'az-Latn' WHERE user_id = @id", new { id = fx.Users[Analyst] });
        }

        using var client = await fx.ClientAsAsync(Analyst);
        client.DefaultRequestHeaders.AcceptLanguage.ParseAdd("en-US,en;q=0.9");
        var text = await PdfTextAsync(client, "summary-pdf-az");
        var az = CultureInfo.GetCultureInfo("az-Latn");
        Assert.Contains("Xülasə hesabatı", text, StringComparison.Ordinal);
        Assert.Contains($"{new DateOnly(2026, 11, 2).ToString("d", az)} – {new DateOnly(2026, 11, 8).ToString("d", az)} (Asia/Baku)", text, StringComparison.Ordinal);
        Assert.DoesNotContain("2026-11-02", text, StringComparison.Ordinal);
        Assert.Contains("Bütün filiallar", text, StringComparison.Ordinal);
        Assert.Matches(@"Dialoqlar\s+8\n", text);
        Assert.Matches(@"Təhlil edilmiş dialoqlar\s+6\n", text);
        Assert.Matches(@"Əlavə satış cəhdi payı\s+66,7 %", text);
        Assert.Matches(@"Qəbul payı \(cəhdlərdən\)\s+50,0 %", text);
        Assert.Matches(@"Orta keyfiyyət \(0–100\)\s+65,0", text);
        Assert.Matches(@"Yoxlama siyahısına əməl\s+63,6 %", text);
        Assert.Contains("Filiallar üzrə", text, StringComparison.Ordinal);
        Assert.Contains("Operatorlar üzrə", text, StringComparison.Ordinal);
        Assert.Matches(BakuName + @"\s+2\s+100,0 %\s+0,0 %\s+70,0\s+0,0 %", text);
        Assert.Contains("səhifə 1", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Upsell", text, StringComparison.Ordinal);
        Assert.DoesNotContain("…", text, StringComparison.Ordinal);

        // The workbook: sheet names, labels and dates in Azerbaijani; the figures are still numbers.
        var book = XlsxReader.Read(await client.GetByteArrayAsync($"/api/reports/summary.xlsx?{Week}"));
        Assert.Equal(["Xülasə", "Filiallar", "Operatorlar"], book.Keys);
        var summary = book["Xülasə"].Where(r => r.Count == 2 && r[0] is string).ToDictionary(r => (string)r[0]!, r => r[1]);
        Assert.Equal("Kupec", summary["Təşkilat"]);
        Assert.Equal(new DateOnly(2026, 11, 2).ToString("d", az), summary["Başlanğıc"]);
        Assert.Equal("Bütün filiallar", summary["Əhatə"]);
        Assert.Equal(8.0, summary["Dialoqlar"]);
        Assert.Equal(4.0 / 6, (double)summary["Əlavə satış payı"]!, 12);
        Assert.Equal(7.0 / 11, (double)summary["Yoxlama siyahısına əməl"]!, 12);
        Assert.Equal<object?>(["Filial kodu", "Filial", "Dialoqlar"], book["Filiallar"][0].Take(3));
    }

    [Fact]
    public async Task An_uzbek_browser_gets_the_xlsx_in_uzbek_latin_with_the_modifier_letter_turned_comma()
    {
        using var client = await fx.ClientAsAsync(Admin);
        client.DefaultRequestHeaders.AcceptLanguage.ParseAdd("uz-UZ,uz;q=0.9");
        var book = XlsxReader.Read(await client.GetByteArrayAsync($"/api/reports/summary.xlsx?{Week}"));
        Assert.Equal(["Xulosa", "Filiallar", "Operatorlar"], book.Keys);
        var summary = book["Xulosa"].Where(r => r.Count == 2 && r[0] is string).ToDictionary(r => (string)r[0]!, r => r[1]);
        Assert.Equal("Barcha filiallar", summary["Qamrov"]);
        Assert.Equal(new DateOnly(2026, 11, 2).ToString("d", CultureInfo.GetCultureInfo("uz-Latn")), summary["Dan"]);
        Assert.Equal(8.0, summary["Dialoglar"]);
        Assert.Equal(4.0 / 6, (double)summary["Qo\u02BBshimcha sotuv ulushi"]!, 12);
    }

    [Fact]
    public async Task A_scheduled_mail_is_written_in_the_subscribers_own_language_and_english_when_they_chose_none()
    {
        ReportFonts.Install(new ReportOptions().FontDirectory);
        using var sink = await SmtpSink.StartAsync();
        await using var db = NpgsqlDataSource.Create(fx.ConnectionString);
        await using (var c = await db.OpenConnectionAsync())
        {
            await c.ExecuteAsync("UPDATE dashboard_users SET language = 'ru' WHERE user_id = @id", new { id = fx.Users[CenterManager] });
            // Made after 26 Oct–1 Nov ended in Baku, so 2–8 Nov is the one period due (earlier ones would be back-filled).
            foreach (var (email, format) in new[] { (CenterManager, "pdf"), (Admin, "xlsx") })
            {
                await c.ExecuteAsync(
                    "INSERT INTO report_subscriptions (tenant_id, user_id, cadence, format, created_at) VALUES ('kupec', @user, 'weekly', @format, '2026-11-02T00:00Z')",
                    new { user = fx.Users[email], format });
            }
        }

        var mailer = new ReportMailer(db, new FakeTimeProvider(MondayNight), Options.Create(Settings(sink.Port)), NullLogger<ReportMailer>.Instance);
        Assert.Equal(2, await mailer.RunOnceAsync(CancellationToken.None));
        var mails = sink.Messages();

        // The manager chose Russian: subject, body, dates, decimal commas and the attached PDF are Russian.
        var ru = mails.Single(m => m.To.Mailboxes.Single().Address == CenterManager);
        Assert.Equal("Еженедельная сводка 02.11.2026 – 08.11.2026 · Kupec", ru.Subject);
        output.WriteLine(ru.TextBody);
        Assert.Contains("Филиалы: " + CenterName, ru.TextBody, StringComparison.Ordinal);
        Assert.Contains("Диалоги: 5 (проанализировано 4)", ru.TextBody, StringComparison.Ordinal);
        Assert.Contains("Доля попыток допродажи: 75,0 %", ru.TextBody, StringComparison.Ordinal);
        Assert.Contains("Доля согласий: 66,7 %", ru.TextBody, StringComparison.Ordinal);
        Assert.Contains("Среднее качество: 67,5", ru.TextBody, StringComparison.Ordinal);
        Assert.Contains("во вложенном файле", ru.TextBody, StringComparison.Ordinal);
        Assert.Contains("Доля согласий: 66,7 %", ru.HtmlBody, StringComparison.Ordinal);
        var (name, pdf) = Attachment(ru);
        Assert.Equal("summary-20261102-20261108.pdf", name);
        var file = Path.Combine(Path.GetTempPath(), $"mailed-ru-{Guid.NewGuid():n}.pdf");
        await File.WriteAllBytesAsync(file, pdf);
        try
        {
            var text = await PdfTools.TextAsync(file);
            Assert.Contains("Сводный отчёт", text, StringComparison.Ordinal);
            Assert.Matches(@"Доля попыток допродажи\s+75,0 %", text);
        }
        finally
        {
            File.Delete(file);
        }

        // The admin chose no language: English, as before.
        var en = mails.Single(m => m.To.Mailboxes.Single().Address == Admin);
        Assert.Equal("Weekly summary 2026-11-02 – 2026-11-08 · Kupec", en.Subject);
        Assert.Contains("Dialogues: 8 (analysed 6)", en.TextBody, StringComparison.Ordinal);
        var book = XlsxReader.Read(Attachment(en).Bytes);
        Assert.Equal(["Summary", "Branches", "Operators"], book.Keys);
        Assert.Equal("All branches", book["Summary"].Single(r => r.Count == 2 && (string?)r[0] == "Scope")[1]);
    }

    [Fact]
    public void Every_supported_language_formats_the_figures_its_own_way_and_unknown_names_fall_back_to_english()
    {
        Assert.Equal("66.7 %", ReportLanguage.For("en").Percent(4.0 / 6));
        Assert.Equal("66,7 %", ReportLanguage.For("RU").Percent(4.0 / 6));
        Assert.Equal("66,7 %", ReportLanguage.For("az-Latn").Percent(4.0 / 6));
        Assert.Equal("—", ReportLanguage.For("ru").Percent(null));
        Assert.Equal(new DateOnly(2026, 11, 2).ToString("d", Ru), ReportLanguage.For("ru").Date(new DateOnly(2026, 11, 2)));
        Assert.Equal("2026-11-02", ReportLanguage.For(null).Date(new DateOnly(2026, 11, 2)));
        Assert.Equal("en", ReportLanguage.For("tr").Culture.Name);
        Assert.Equal("en", ReportLanguage.For("uz-Cyrl").Culture.Name);
        Assert.Equal("Сводный отчёт", ReportLanguage.For("ru")["Report.Title"]);
        Assert.Equal("Filial: Gənclik (kp-baku)", ReportLanguage.For("az-Latn")["Report.ScopeBranch", "Gənclik", "kp-baku"]);
    }

    private async Task<string> PdfTextAsync(HttpClient client, string artifact)
    {
        using var response = await client.GetAsync($"/api/reports/summary.pdf?{Week}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var pdf = Path.Combine(Path.GetTempPath(), $"{artifact}-{Guid.NewGuid():n}.pdf");
        await File.WriteAllBytesAsync(pdf, await response.Content.ReadAsByteArrayAsync());
        try
        {
            var pages = await PdfTools.RenderAsync(pdf, Path.Combine(AppContext.BaseDirectory, "artifacts", artifact));
            Assert.Single(pages);
            output.WriteLine($"rendered: {pages[0].Png}, dark share {pages[0].DarkShare:P2}");
            Assert.InRange(pages[0].DarkShare, 0.005, 0.3);
            var text = await PdfTools.TextAsync(pdf);
            output.WriteLine(text);
            return text;
        }
        finally
        {
            File.Delete(pdf);
        }
    }

    private static DashboardOptions Settings(int port)
    {
        var o = new DashboardOptions();
        o.Reports.MailTimeoutSeconds = 20;
        o.Reports.Smtp = new AlertSmtpOptions { Host = "127.0.0.1", Port = port, From = "Reports <reports@kupec.test>", Security = SmtpSecurity.None };
        return o;
    }

    private static (string Name, byte[] Bytes) Attachment(MimeMessage message)
    {
        var part = message.Attachments.OfType<MimePart>().Single();
        using var buffer = new MemoryStream();
        part.Content!.DecodeTo(buffer);
        return (part.FileName ?? "", buffer.ToArray());
    }
}
