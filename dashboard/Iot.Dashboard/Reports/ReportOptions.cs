using Iot.Dashboard.Hosting;
using Iot.Provisioning.Alerts.Delivery;
using Microsoft.Extensions.Options;

namespace Iot.Dashboard.Reports;

/// <summary>Section <c>Dashboard:Reports</c>.</summary>
public sealed class ReportOptions
{
    public const string Section = DashboardOptions.Section + ":Reports";

    /// <summary>Holds DejaVuSans.ttf and DejaVuSans-Bold.ttf (Debian's fonts-dejavu-core).</summary>
    public string FontDirectory { get; set; } = "/usr/share/fonts/truetype/dejavu";

    /// <summary>How often the mailer looks for subscriptions whose period has ended; 0 = no scheduled mail.</summary>
    public int MailPollSeconds { get; set; } = 300;

    /// <summary>One SMTP submission (connect, send, quit) may take this long.</summary>
    public int MailTimeoutSeconds { get; set; } = 60;

    /// <summary>A failed send, or a claim whose instance died mid-send, is tried again after this long.</summary>
    public int RetryMinutes { get; set; } = 30;

    /// <summary>Tries per subscription and period; after that the period stays failed (shown on the Reports page).</summary>
    public int MaxAttempts { get; set; } = 5;

    /// <summary>
    /// Ended periods a subscription may still be sent after they were missed (no dashboard ran when they ended), the
    /// latest included: 1 = only the latest. Counts weeks for weekly and months for monthly subscriptions.
    /// </summary>
    public int BackfillPeriods { get; set; } = 4;

    /// <summary>The server the reports are sent through: the same keys as the bridge's <c>Alerts:Smtp</c>. No host = no mail.</summary>
    public AlertSmtpOptions Smtp { get; set; } = new();
}

/// <summary>Start-up checks of <c>Dashboard:Reports</c>, each naming its key.</summary>
internal sealed class ReportOptionsValidator : IValidateOptions<DashboardOptions>
{
    public ValidateOptionsResult Validate(string? name, DashboardOptions options)
    {
        var o = options.Reports;
        const string s = ReportOptions.Section;
        var errors = new List<string>();
        foreach (var file in new[] { ReportFonts.RegularFile, ReportFonts.BoldFile })
        {
            if (!File.Exists(Path.Combine(o.FontDirectory, file)))
            {
                errors.Add($"{s}:FontDirectory '{o.FontDirectory}' has no {file} (install Debian's fonts-dejavu-core, or name a directory holding DejaVu Sans)");
            }
        }

        Range(errors, $"{s}:MailPollSeconds", o.MailPollSeconds, 0, 86_400);
        Range(errors, $"{s}:MailTimeoutSeconds", o.MailTimeoutSeconds, 1, 600);
        Range(errors, $"{s}:RetryMinutes", o.RetryMinutes, 1, 1440);
        Range(errors, $"{s}:MaxAttempts", o.MaxAttempts, 1, 100);
        Range(errors, $"{s}:BackfillPeriods", o.BackfillPeriods, 1, 53);
        errors.AddRange(SmtpOptionsCheck.Problems($"{s}:Smtp", o.Smtp));
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
