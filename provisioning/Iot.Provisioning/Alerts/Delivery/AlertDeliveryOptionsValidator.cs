using Microsoft.Extensions.Options;
using MimeKit;

namespace Iot.Provisioning.Alerts.Delivery;

internal sealed class AlertDeliveryOptionsValidator : IValidateOptions<AlertDeliveryOptions>, IValidateOptions<AlertSmtpOptions>
{
    public ValidateOptionsResult Validate(string? name, AlertDeliveryOptions o)
    {
        const string s = AlertDeliveryOptions.Section;
        var errors = new List<string>();
        Range(errors, $"{s}:PollSeconds", o.PollSeconds, 1, 3600);
        Range(errors, $"{s}:MaxAttempts", o.MaxAttempts, 1, 100);
        Range(errors, $"{s}:TimeoutSeconds", o.TimeoutSeconds, 1, 120);
        Range(errors, $"{s}:BatchSize", o.BatchSize, 1, 100);
        Range(errors, $"{s}:FirstRetrySeconds", o.FirstRetrySeconds, 1, 86_400);
        Range(errors, $"{s}:MaxRetrySeconds", o.MaxRetrySeconds, 1, 86_400);
        if (o.MaxRetrySeconds < o.FirstRetrySeconds)
        {
            errors.Add($"{s}:MaxRetrySeconds {o.MaxRetrySeconds} must not be below {s}:FirstRetrySeconds {o.FirstRetrySeconds}");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    public ValidateOptionsResult Validate(string? name, AlertSmtpOptions o)
    {
        const string s = AlertSmtpOptions.Section;
        if (!o.Configured)
        {
            // E-mail is optional; its deliveries say "SMTP not configured" instead of failing the bridge's start.
            return ValidateOptionsResult.Success;
        }

        var errors = new List<string>();
        if (Uri.CheckHostName(o.Host) == UriHostNameType.Unknown)
        {
            errors.Add($"{s}:Host '{o.Host}' is not a host name or address");
        }

        Range(errors, $"{s}:Port", o.Port, 1, 65535);
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

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void Range(List<string> errors, string key, int value, int min, int max)
    {
        if (value < min || value > max)
        {
            errors.Add($"{key} {value} must be {min}..{max}");
        }
    }
}
