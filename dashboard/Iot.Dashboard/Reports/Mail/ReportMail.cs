using System.Net;
using MimeKit;

namespace Iot.Dashboard.Reports.Mail;

/// <summary>The scheduled report as a mail: the headline figures in the body, the PDF or XLSX attached.</summary>
public static class ReportMail
{
    public static MimeMessage Compose(ReportSummary s, string cadence, string format, byte[] attachment, MailboxAddress from, MailboxAddress to)
    {
        var title = $"{(cadence == "weekly" ? "Weekly" : "Monthly")} summary {s.PeriodText} · {s.TenantName}";
        var message = new MimeMessage { Subject = title };
        message.From.Add(from);
        message.To.Add(to);
        string[] lines =
        [
            s.ScopeText,
            $"Dialogues: {SummaryFormat.Count(s.Total.Dialogues)} (analysed {SummaryFormat.Count(s.Total.Analysed)})",
            $"Upsell attempt rate: {SummaryFormat.Percent(s.Total.UpsellRate)}",
            $"Acceptance rate: {SummaryFormat.Percent(s.Total.AcceptanceRate)}",
            $"Average quality: {SummaryFormat.Quality(s.Total.AverageQuality)}",
            $"Checklist compliance: {SummaryFormat.Percent(s.Total.ChecklistCompliance)}",
            "",
            "Per-branch and per-operator figures are in the attached file. Change or stop this mail on the dashboard's Reports page.",
        ];
        var body = new BodyBuilder
        {
            TextBody = string.Join("\n", lines) + "\n",
            HtmlBody = "<html><body><h3>" + WebUtility.HtmlEncode(title) + "</h3><p>" + string.Join("<br>", lines.Select(WebUtility.HtmlEncode)) + "</p></body></html>",
        };
        body.Attachments.Add(s.FileName(format), attachment, ContentType.Parse(SummaryFiles.ContentType(format)));
        message.Body = body.ToMessageBody();
        return message;
    }
}
