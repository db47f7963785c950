using Iot.Edge.Agent.Recording;

namespace Iot.Edge.Tests.Recording;

public class WeeklyScheduleTests
{
    private static readonly TimeZoneInfo Berlin = WeeklySchedule.FindZone("Europe/Berlin");
    private static readonly TimeZoneInfo Istanbul = WeeklySchedule.FindZone("Europe/Istanbul");

    [Theory]
    [InlineData("2026-11-25T06:59:00Z", false)] // 07:59 local, Wednesday
    [InlineData("2026-11-25T07:00:00Z", true)]  // 08:00 local
    [InlineData("2026-11-25T20:59:00Z", true)]  // 21:59 local
    [InlineData("2026-11-25T21:00:00Z", false)] // 22:00 local: the end is exclusive
    public void Working_hours_are_evaluated_in_the_stores_local_time(string utc, bool open)
    {
        var schedule = WeeklySchedule.Parse(RecordingOptions.DefaultSchedule, Berlin);

        Assert.Equal(open, schedule.IsOpen(DateTimeOffset.Parse(utc, System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public void The_opening_hour_stays_local_across_the_spring_dst_change()
    {
        var schedule = WeeklySchedule.Parse(new Dictionary<string, string> { ["Mon-Sun"] = "08:00-22:00" }, Berlin);

        // Saturday 28 March 2026 is CET (UTC+1); Monday 30 March is CEST (UTC+2).
        Assert.True(schedule.IsOpen(Utc("2026-03-28T07:00:00Z")));
        Assert.False(schedule.IsOpen(Utc("2026-03-28T06:59:00Z")));
        Assert.True(schedule.IsOpen(Utc("2026-03-30T06:00:00Z")));
        Assert.False(schedule.IsOpen(Utc("2026-03-30T05:59:00Z")));
    }

    [Fact]
    public void A_window_across_the_night_of_the_autumn_change_ends_at_local_time()
    {
        // The 02:00-03:00 hour happens twice on 25 October 2026 in Berlin; the window ends at the second 03:00.
        var schedule = WeeklySchedule.Parse(new Dictionary<string, string> { ["Sat"] = "22:00-03:00" }, Berlin);

        Assert.True(schedule.IsOpen(Utc("2026-10-24T20:00:00Z")));  // 22:00 CEST Saturday
        Assert.True(schedule.IsOpen(Utc("2026-10-25T01:30:00Z")));  // 02:30 CET, after the change
        Assert.False(schedule.IsOpen(Utc("2026-10-25T02:00:00Z"))); // 03:00 CET
    }

    [Fact]
    public void Day_ranges_lists_and_closed_days_are_honoured()
    {
        var schedule = WeeklySchedule.Parse(new Dictionary<string, string>
        {
            ["Mon-Fri"] = "09:00-12:00, 13:00-18:00",
            ["Sat"] = "10:00-14:00",
            ["Sun"] = "closed",
        }, Istanbul);

        Assert.True(schedule.IsOpen(Utc("2026-11-25T06:00:00Z")));  // Wed 09:00 +03
        Assert.False(schedule.IsOpen(Utc("2026-11-25T09:30:00Z"))); // Wed 12:30 lunch
        Assert.True(schedule.IsOpen(Utc("2026-11-28T07:00:00Z")));  // Sat 10:00
        Assert.False(schedule.IsOpen(Utc("2026-11-29T09:00:00Z"))); // Sun
    }

    [Fact]
    public void A_range_may_wrap_around_the_week()
    {
        var schedule = WeeklySchedule.Parse(new Dictionary<string, string> { ["Fri-Mon"] = "10:00-11:00" }, TimeZoneInfo.Utc);

        Assert.True(schedule.IsOpen(Utc("2026-11-29T10:30:00Z")));  // Sunday
        Assert.False(schedule.IsOpen(Utc("2026-11-25T10:30:00Z"))); // Wednesday
    }

    [Theory]
    [InlineData("Funday", "08:00-10:00", "'Funday' is not a day")]
    [InlineData("Mon", "8-10", "is not a window")]
    [InlineData("Mon", "10:00-10:00", "is not a window")]
    [InlineData("Mon-Tue-Wed", "08:00-10:00", "is not a day, a day range")]
    public void Bad_entries_are_refused_with_the_entry_named(string day, string window, string expected)
    {
        var ex = Assert.Throws<FormatException>(() => WeeklySchedule.Parse(new Dictionary<string, string> { [day] = window }, TimeZoneInfo.Utc));

        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    private static DateTimeOffset Utc(string value) => DateTimeOffset.Parse(value, System.Globalization.CultureInfo.InvariantCulture);
}
