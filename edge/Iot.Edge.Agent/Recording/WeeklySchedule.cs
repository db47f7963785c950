using System.Globalization;

namespace Iot.Edge.Agent.Recording;

/// <summary>
/// Working hours per weekday in a store's local time. Evaluated by converting the UTC instant into the zone, so a
/// DST change moves the UTC hours and not the local ones. A window whose end is before its start runs past midnight
/// and belongs to the day it starts on.
/// </summary>
public sealed class WeeklySchedule
{
    private static readonly string[] DayNames = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
    private readonly List<(TimeOnly Start, TimeOnly End)>[] _days = Enumerable.Range(0, 7).Select(_ => new List<(TimeOnly, TimeOnly)>()).ToArray();

    private WeeklySchedule(TimeZoneInfo zone) => Zone = zone;

    public TimeZoneInfo Zone { get; }

    /// <summary>Parses the configuration form; throws <see cref="FormatException"/> naming the offending entry.</summary>
    public static WeeklySchedule Parse(IReadOnlyDictionary<string, string> entries, TimeZoneInfo zone)
    {
        var schedule = new WeeklySchedule(zone);
        foreach (var (dayKey, windows) in entries)
        {
            var days = ParseDays(dayKey);
            foreach (var day in days)
            {
                schedule._days[day].Clear();
            }

            if (windows.Trim().Equals("closed", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            foreach (var window in windows.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                var parts = window.Split('-', StringSplitOptions.TrimEntries);
                if (parts.Length != 2
                    || !TimeOnly.TryParseExact(parts[0], "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var start)
                    || !TimeOnly.TryParseExact(parts[1], "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var end)
                    || start == end)
                {
                    throw new FormatException($"'{dayKey}': '{window}' is not a window like 08:00-22:00");
                }

                foreach (var day in days)
                {
                    schedule._days[day].Add((start, end));
                }
            }
        }

        return schedule;
    }

    public static TimeZoneInfo FindZone(string id) => TimeZoneInfo.FindSystemTimeZoneById(id);

    public bool IsOpen(DateTimeOffset instant)
    {
        var local = TimeZoneInfo.ConvertTime(instant, Zone).DateTime;
        var time = TimeOnly.FromDateTime(local);
        var today = (int)local.DayOfWeek;
        var yesterday = (today + 6) % 7;
        return _days[today].Any(w => w.Start < w.End ? time >= w.Start && time < w.End : time >= w.Start)
            || _days[yesterday].Any(w => w.End < w.Start && time < w.End);
    }

    private static int[] ParseDays(string key)
    {
        var result = new List<int>();
        foreach (var part in key.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var range = part.Split('-', StringSplitOptions.TrimEntries);
            var from = DayIndex(range[0], key);
            var to = range.Length == 2 ? DayIndex(range[1], key) : from;
            if (range.Length > 2)
            {
                throw new FormatException($"'{key}' is not a day, a day range (Mon-Fri) or a list (Sat,Sun)");
            }

            for (var d = from; ; d = (d + 1) % 7)
            {
                result.Add(d);
                if (d == to)
                {
                    break;
                }
            }
        }

        return [.. result.Distinct()];
    }

    private static int DayIndex(string name, string key)
    {
        var index = Array.FindIndex(DayNames, d => d.Equals(name, StringComparison.OrdinalIgnoreCase));
        return index >= 0 ? index : throw new FormatException($"'{key}': '{name}' is not a day (Mon, Tue, Wed, Thu, Fri, Sat, Sun)");
    }
}
