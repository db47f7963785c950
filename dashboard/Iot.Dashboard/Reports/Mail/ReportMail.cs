using System.Net;
using MimeKit;

namespace Iot.Dashboard.Reports.Mail;

/// <summary>The scheduled report as a mail in the subscriber's language: the headline figures in the body, the PDF or XLSX attached.</summary>
public static class ReportMail
{
    public static MimeMessage Compose(ReportSummary s, ReportLanguage t, string cadence, string format, byte[] attachment, MailboxAddress from, MailboxAddress to)
    {
        var title = t[cadence == "weekly" ? "Report.MailWeekly" : "Report.MailMonthly", s.PeriodText(t), s.TenantName];
        var message = new MimeMessage { Subject = title };
        message.From.Add(from);
        message.To.Add(to);
        message.Headers.Add(HeaderId.ContentLanguage, t.Culture.Name);
        string[] lines =
        [
            s.Scope.Text(t),
            t["Report.MailDialogues", t.Count(s.Total.Dialogues), t.Count(s.Total.Analysed)],
            t["Report.MailUpsell", t.Percent(s.Total.UpsellRate)],
            t["Report.MailAcceptance", t.Percent(s.Total.AcceptanceRate)],
            t["Report.MailQuality", t.Quality(s.Total.AverageQuality)],
            t["Report.MailCompliance", t.Percent(s.Total.ChecklistCompliance)],
            "",
            t["Report.MailFooter"],
        ];
        var body = new BodyBuilder
        {
            TextBody = string.Join("\n", lines) + "\n",
            HtmlBody = $"<html lang=\"{t.Culture.Name}\"><body><h3>" + WebUtility.HtmlEncode(title) + "</h3><p>" + string.Join("<br>", lines.Select(WebUtility.HtmlEncode)) + "</p></body></html>",
        };
        body.Attachments.Add(s.FileName(format), attachment, ContentType.Parse(SummaryFiles.ContentType(format)));
        message.Body = body.ToMessageBody();
        return message;
    }
}
