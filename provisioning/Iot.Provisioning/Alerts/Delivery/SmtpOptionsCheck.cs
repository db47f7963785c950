using MimeKit;

namespace Iot.Provisioning.Alerts.Delivery;

/// <summary>
/// Start-up checks of an SMTP section, each naming its key under <c>section</c>: <c>Alerts:Smtp</c> in the bridge,
/// <c>Dashboard:Reports:Smtp</c> in the dashboard. An empty host is valid: e-mail is optional.
/// </summary>
public static class SmtpOptionsCheck
{
    public static List<string> Problems(string section, AlertSmtpOptions o)
    {
        var errors = new List<string>();
        var s = section;
        if (!o.Configured)
        {
            return errors;
        }

        if (Uri.CheckHostName(o.Host) == UriHostNameType.Unknown)
        {
            errors.Add($"{s}:Host '{o.Host}' is not a host name or address");
        }

        if (o.Port is < 1 or > 65535)
        {
            errors.Add($"{s}:Port {o.Port} must be 1..65535");
        }

        if (string.IsNullOrWhiteSpace(o.From) || !MailboxAddress.TryParse(o.From, out var from) || string.IsNullOrEmpty(from.Address) || !from.Address.Contains('@', StringComparison.Ordinal))
        {
            errors.Add($"{s}:From must be a mail address (e.g. \"IoT alerts <alerts@example.com>\") when {s}:Host is set");
        }

        if (!Enum.IsDefined(o.Security))
        {
            errors.Add($"{s}:Security must be None, StartTls, SslOnConnect or Auto");
        }

        var hasUser = !string.IsNullOrWhiteSpace(o.Username);
        var hasPasswordFile = !string.IsNullOrWhiteSpace(o.PasswordFile);
        if (hasUser != hasPasswordFile)
        {
            errors.Add($"{s}:Username and {s}:PasswordFile go together (both for AUTH, neither for an open relay)");
        }
        else if (hasPasswordFile && !File.Exists(o.PasswordFile))
        {
            errors.Add($"{s}:PasswordFile '{o.PasswordFile}' does not exist");
        }

        return errors;
    }
}
