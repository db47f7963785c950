namespace Iot.Dashboard.Settings;

/// <summary>The tenant's time zone for display; an unknown name (set by hand in the database) falls back to UTC.</summary>
public static class TenantTime
{
    public static TimeZoneInfo Zone(string name) =>
        TimeZoneInfo.TryFindSystemTimeZoneById(name, out var zone) ? zone : TimeZoneInfo.Utc;

    /// <summary>A UTC time from PostgreSQL (timestamptz arrives as UTC) in the given zone.</summary>
    public static DateTime Local(DateTime utc, TimeZoneInfo zone) => TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), zone);
}
