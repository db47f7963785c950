using System.Net;
using System.Net.Sockets;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Iot.Provisioning.Alerts.Delivery;

/// <summary>One message per delivery to the channel's recipients, over a fresh SMTP connection (alerts are rare).</summary>
public sealed class EmailSender(IOptions<AlertSmtpOptions> smtp, IOptions<AlertDeliveryOptions> options)
{
    public const string NotConfigured = "SMTP not configured (Alerts:Smtp:Host is empty)";

    public async Task<DeliveryOutcome> SendAsync(DueDelivery delivery, CancellationToken ct)
    {
        var o = smtp.Value;
        if (!o.Configured)
        {
            return DeliveryOutcome.Dead(NotConfigured);
        }

        var recipients = (delivery.Recipients ?? []).Where(r => MailboxAddress.TryParse(r, out _)).ToList();
        if (recipients.Count == 0)
        {
            return DeliveryOutcome.Dead("the channel has no valid recipient");
        }

        var message = Compose(AlertEventFactory.Create(delivery), MailboxAddress.Parse(o.From!), recipients.Select(MailboxAddress.Parse));
        var timeout = TimeSpan.FromSeconds(options.Value.TimeoutSeconds);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(timeout);
        try
        {
            await SmtpSubmission.SendAsync(o, message, timeout, cts.Token).ConfigureAwait(false);
            return DeliveryOutcome.Delivered(250);
        }
        catch (SmtpCommandException ex) when ((int)ex.StatusCode >= 500 && ex.ErrorCode != SmtpErrorCode.UnexpectedStatusCode)
        {
            // 5xx to MAIL FROM / RCPT TO / DATA: the server will say the same next time (unknown mailbox, refused sender).
            return DeliveryOutcome.Dead($"SMTP {(int)ex.StatusCode}: {ex.Message}", (int)ex.StatusCode);
        }
        catch (SmtpCommandException ex)
        {
            return DeliveryOutcome.Retry($"SMTP {(int)ex.StatusCode}: {ex.Message}", (int)ex.StatusCode);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return DeliveryOutcome.Retry($"SMTP server {o.Host}:{o.Port} did not finish within {options.Value.TimeoutSeconds} s");
        }
        catch (Exception ex) when (ex is SmtpProtocolException or AuthenticationException or SslHandshakeException or SocketException or IOException or ServiceNotConnectedException or TimeoutException)
        {
            // Connection, TLS and login failures are fixed on the server or in configuration, then the retry goes through.
            return DeliveryOutcome.Retry($"SMTP {o.Host}:{o.Port}: {ex.Message}");
        }
    }

    public static MimeMessage Compose(Iot.Protocol.Messages.AlertEvent e, MailboxAddress from, IEnumerable<MailboxAddress> to)
    {
        var message = new MimeMessage { Subject = AlertText.Subject(e) };
        message.From.Add(from);
        message.To.AddRange(to);
        var lines = AlertText.Details(e);
        var html = "<html><body><h3>" + WebUtility.HtmlEncode(message.Subject) + "</h3><p>"
            + string.Join("<br>", lines.Select(WebUtility.HtmlEncode)) + "</p></body></html>";
        message.Body = new BodyBuilder { TextBody = string.Join("\n", lines) + "\n", HtmlBody = html }.ToMessageBody();
        return message;
    }
}
