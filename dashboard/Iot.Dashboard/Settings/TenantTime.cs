namespace Iot.Dashboard.Settings;

/// <summary>The tenant's time zone for display; an unknown name (set by hand in the database) falls back to UTC.</summary>
public static class TenantTime
{
    public static TimeZoneInfo Zone(string name) =>
        TimeZoneInfo.TryFindSystemTimeZoneById(name, out var zone) ? zone : TimeZoneInfo.Utc;
}
