using System.Globalization;
using Microsoft.Extensions.Localization;

namespace Iot.Dashboard.Fleet;

/// <summary>
/// How the fleet screens print values, in the request's language and number format. wwwroot/fleet-format.js prints the
/// live updates the same way from the same texts (<see cref="ClientKeys"/>); change both. Missing values (old agents,
/// no telemetry yet) are "—". Times stay UTC in ISO form: technicians compare them with logs, which are written so.
/// Numbers carry no group separators, so the server and the browser's Intl print exactly the same digits.
/// </summary>
public static class FleetFormat
{
    public const string None = "—";

    /// <summary>The device states and alert severities that have a translation; anything else is shown as sent.</summary>
    public static readonly IReadOnlyList<string> DeviceStates = ["online", "offline", "never-seen", "revoked", "disabled"];

    public static readonly IReadOnlyList<string> Severities = ["critical", "warning"];

    /// <summary>
    /// The texts fleet-format.js, fleet.js and device.js show (handed over through the page's #i18n-texts). Declared
    /// after the lists it reads: static fields are initialised in the order they are written.
    /// </summary>
    public static readonly IReadOnlyList<string> ClientKeys =
    [
        "Fleet.Mb", "Fleet.Recording", "Fleet.NotRecording", "Fleet.Days", "Fleet.Hours", "Fleet.Minutes", "Fleet.Seconds", "Fleet.Ago",
        "Fleet.Never", "Fleet.LiveUpdated", "Fleet.LiveInterrupted", "Common.Yes", "Common.No",
        .. DeviceStates.Select(s => "DeviceState." + s), .. Severities.Select(s => "Severity." + s),
    ];

    public static string Text(string? value) => string.IsNullOrEmpty(value) ? None : value;

    public static string Time(DateTime? t) => t?.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) ?? None;

    public static string Mb(long? bytes, IStringLocalizer t) =>
        bytes is { } b ? t["Fleet.Mb", (b / 1048576.0).ToString("0.0", CultureInfo.CurrentCulture)] : None;

    public static string Percent(double? p) => p is { } v ? v.ToString("0.#", CultureInfo.CurrentCulture) + " %" : None;

    public static string YesNo(bool? b, IStringLocalizer t) => b switch { true => t["Common.Yes"], false => t["Common.No"], null => None };

    public static string Backlog(FleetDevice d, IStringLocalizer t) =>
        d.BacklogChunks is { } n ? $"{n.ToString(CultureInfo.CurrentCulture)} / {Mb(d.BacklogBytes, t)}" : None;

    public static string Recording(FleetDevice d, IStringLocalizer t) => d.Recording switch
    {
        null => None,
        var on => t[on.Value ? "Fleet.Recording" : "Fleet.NotRecording"] + (string.IsNullOrEmpty(d.RecordingReason) ? "" : $" ({d.RecordingReason})"),
    };

    /// <summary>"3 d 4 h", "2 h 5 min", "42 s" (in the reader's units).</summary>
    public static string Duration(double? seconds, IStringLocalizer t)
    {
        if (seconds is not { } s || s < 0)
        {
            return None;
        }

        var span = TimeSpan.FromSeconds(Math.Floor(s));
        return span.TotalDays >= 1 ? t["Fleet.Days", (int)span.TotalDays, span.Hours]
            : span.TotalHours >= 1 ? t["Fleet.Hours", span.Hours, span.Minutes]
            : span.TotalMinutes >= 1 ? t["Fleet.Minutes", span.Minutes, span.Seconds]
            : t["Fleet.Seconds", span.Seconds];
    }

    public static string Age(DateTime? at, DateTime nowUtc, IStringLocalizer t) =>
        at is { } a ? t["Fleet.Ago", Duration(Math.Max(0, (nowUtc - a).TotalSeconds), t)] : None;

    /// <summary>A device state ("online") in the reader's language; an unknown one as sent.</summary>
    public static string State(string? state, IStringLocalizer t) => Label("DeviceState.", DeviceStates, state, t);

    public static string Severity(string? severity, IStringLocalizer t) => Label("Severity.", Severities, severity, t);

    private static string Label(string prefix, IReadOnlyList<string> known, string? value, IStringLocalizer t) =>
        value is null ? None : known.Contains(value) ? t[prefix + value] : value;
}
