using Npgsql;

namespace Iot.Cloud.Data;

public static class ConnectionStrings
{
    /// <summary>Accepts a Npgsql key=value string or a postgres:// URL (what most platforms put in DATABASE_URL), query options such as sslmode included.</summary>
    public static string Normalize(string value)
    {
        return PostgresUrl.IsUrl(value) ? PostgresUrl.ToConnectionString(value) : new NpgsqlConnectionStringBuilder(value).ConnectionString;
    }
}
