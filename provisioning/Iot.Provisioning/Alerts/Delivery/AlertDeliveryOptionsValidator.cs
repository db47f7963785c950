using Microsoft.Extensions.Options;

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
        var errors = SmtpOptionsCheck.Problems(AlertSmtpOptions.Section, o);
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
