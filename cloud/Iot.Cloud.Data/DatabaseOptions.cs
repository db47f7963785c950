namespace Iot.Cloud.Data;

/// <summary>Section <c>Database</c>. <c>DATABASE_URL</c> (postgres://user:pass@host:port/db) overrides it as <see cref="DatabaseUrl"/> says.</summary>
public sealed class DatabaseOptions
{
    public const string Section = "Database";

    public string ConnectionString { get; set; } = "";
}
