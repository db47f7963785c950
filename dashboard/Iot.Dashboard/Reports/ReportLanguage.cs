using System.Globalization;
using System.Resources;
using Iot.Dashboard.Localization;

namespace Iot.Dashboard.Reports;

/// <summary>
/// The language a summary file or report mail is written in: the reader's, not the process's. A download uses the
/// request's culture as the pages choose it (account → browser → English); a scheduled mail the subscriber's own
/// <c>dashboard_users.language</c> (null = English, since a mail has no browser to ask). Texts come from the pages'
/// resources, looked up for <see cref="Culture"/> explicitly: the mail job runs outside any request, so there is no
/// current culture to lean on, and a file must not depend on which thread rendered it.
/// </summary>
public sealed class ReportLanguage
{
    private static readonly ResourceManager Resources = new("Iot.Dashboard.Localization.SharedResource", typeof(SharedResource).Assembly);

    private ReportLanguage(CultureInfo culture) => Culture = culture;

    public CultureInfo Culture { get; }

    /// <summary>
    /// English keeps ISO dates (2026-11-02), as the reports always had: the dashboard's "en" is en-US, whose 11/2/2026
    /// reads as 11 February where these reports go. The other languages use their culture's own short date.
    /// </summary>
    private bool IsoDates => Culture.Name == SupportedCultures.Default;

    /// <summary>A supported culture name (any case); anything else is English.</summary>
    public static ReportLanguage For(string? name) => new(CultureInfo.GetCultureInfo(SupportedCultures.Find(name) ?? SupportedCultures.Default));

    /// <summary>The culture the pages would use for this request (<see cref="UserCultureProvider"/>), else English.</summary>
    public static async Task<ReportLanguage> ForRequestAsync(HttpContext http)
    {
        var chosen = await new UserCultureProvider().DetermineProviderCultureResult(http).ConfigureAwait(false);
        return For(chosen?.UICultures[0].Value);
    }

    public string this[string key] => Resources.GetString(key, Culture) ?? key;

    public string this[string key, params object?[] args] => string.Format(Culture, this[key], args);

    public string Date(DateOnly date) => date.ToString(IsoDates ? "yyyy-MM-dd" : "d", Culture);

    public string Time(DateTime time) => time.ToString(IsoDates ? "yyyy-MM-dd HH:mm" : "g", Culture);

    /// <summary>One decimal and a spaced percent sign in every language ("66.7 %", "66,7 %"); a dash for "no data".</summary>
    public string Percent(double? share) => share is { } v ? (v * 100).ToString("0.0", Culture) + " %" : SummaryFormat.None;

    public string Quality(double? value) => value is { } v ? v.ToString("0.0", Culture) : SummaryFormat.None;

    public string Count(long value) => value.ToString("N0", Culture);
}
