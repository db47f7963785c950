using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace Iot.Provisioning.Alerts.Delivery;

/// <summary>
/// One message over a fresh SMTP connection with the configured security and optional login: the alert e-mail channel
/// and the dashboard's scheduled reports send the same way. Callers bound the time with <paramref name="ct"/> and
/// classify the exceptions themselves (a delivery queue and a report schedule retry differently).
/// </summary>
public static class SmtpSubmission
{
    public static async Task SendAsync(AlertSmtpOptions o, MimeMessage message, TimeSpan timeout, CancellationToken ct)
    {
        using var client = new SmtpClient { Timeout = (int)timeout.TotalMilliseconds };
        await client.ConnectAsync(o.Host!, o.Port, Security(o.Security), ct).ConfigureAwait(false);
        if (!string.IsNullOrWhiteSpace(o.Username))
        {
            // Read per send, so a rotated password file takes effect without a restart.
            var password = (await File.ReadAllTextAsync(o.PasswordFile!, ct).ConfigureAwait(false)).TrimEnd('\r', '\n');
            await client.AuthenticateAsync(o.Username, password, ct).ConfigureAwait(false);
        }

        await client.SendAsync(message, ct).ConfigureAwait(false);
        await client.DisconnectAsync(quit: true, ct).ConfigureAwait(false);
    }

    private static SecureSocketOptions Security(SmtpSecurity s) => s switch
    {
        SmtpSecurity.None => SecureSocketOptions.None,
        SmtpSecurity.SslOnConnect => SecureSocketOptions.SslOnConnect,
        SmtpSecurity.Auto => SecureSocketOptions.Auto,
        _ => SecureSocketOptions.StartTls,
    };
}
