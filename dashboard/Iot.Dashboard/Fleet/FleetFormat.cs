using System.Globalization;

namespace Iot.Dashboard.Fleet;

/// <summary>
/// How the fleet screens print values. wwwroot/fleet-format.js prints the live updates the same way; change both.
/// Missing values (old agents, no telemetry yet) are "—".
/// </summary>
public static class FleetFormat
{
    public const string None = "—";

    public static string Text(string? value) => string.IsNullOrEmpty(value) ? None : value;

    public static string Time(DateTime? t) => t?.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) ?? None;

    public static string Mb(long? bytes) => bytes is { } b ? (b / 1048576.0).ToString("0.0", CultureInfo.InvariantCulture) + " MB" : None;

    public static string Percent(double? p) => p is { } v ? v.ToString("0.#", CultureInfo.InvariantCulture) + " %" : None;

    public static string YesNo(bool? b) => b switch { true => "yes", false => "no", null => None };

    public static string Backlog(FleetDevice d) => d.BacklogChunks is { } n ? $"{n.ToString(CultureInfo.InvariantCulture)} / {Mb(d.BacklogBytes)}" : None;

    public static string Recording(FleetDevice d) => d.Recording switch
    {
        null => None,
        var on => (on.Value ? "recording" : "not recording") + (string.IsNullOrEmpty(d.RecordingReason) ? "" : $" ({d.RecordingReason})"),
    };

    /// <summary>"3 d 4 h", "2 h 5 min", "42 s".</summary>
    public static string Duration(double? seconds)
    {
        if (seconds is not { } s || s < 0)
        {
            return None;
        }

        var t = TimeSpan.FromSeconds(Math.Floor(s));
        return t.TotalDays >= 1 ? $"{(int)t.TotalDays} d {t.Hours} h"
            : t.TotalHours >= 1 ? $"{t.Hours} h {t.Minutes} min"
            : t.TotalMinutes >= 1 ? $"{t.Minutes} min {t.Seconds} s"
            : $"{t.Seconds} s";
    }

    public static string Age(DateTime? t, DateTime nowUtc) => t is { } at ? Duration(Math.Max(0, (nowUtc - at).TotalSeconds)) + " ago" : None;
}
