using Npgsql;

namespace Iot.Cloud.Data;

/// <summary>
/// postgres://user:pass@host:port/db?sslmode=require&amp;... as platforms put it in DATABASE_URL, into a Npgsql string.
/// The query options are kept: dropping <c>sslmode=require</c> silently downgrades to whatever Npgsql defaults to.
/// Linked into iotctl as source (internal), so both parse a URL the same way without iotctl taking the migrator's
/// dependencies.
/// </summary>
internal static class PostgresUrl
{
    // libpq's URL parameter names that Npgsql spells differently; anything else is handed to Npgsql as is, so an unknown
    // option fails loudly (ArgumentException naming it) instead of being ignored.
    private static readonly Dictionary<string, string> LibpqNames = new(StringComparer.OrdinalIgnoreCase)
    {
        ["sslmode"] = "SSL Mode",
        ["sslrootcert"] = "Root Certificate",
        ["sslcert"] = "SSL Certificate",
        ["sslkey"] = "SSL Key",
        ["sslpassword"] = "SSL Password",
        ["application_name"] = "Application Name",
        ["connect_timeout"] = "Timeout",
        ["target_session_attrs"] = "Target Session Attributes",
        ["options"] = "Options",
    };

    public static bool IsUrl(string value) =>
        value.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) || value.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase);

    /// <summary>Throws <see cref="ArgumentException"/> (or <see cref="UriFormatException"/>) on a malformed URL or option.</summary>
    public static string ToConnectionString(string url)
    {
        var uri = new Uri(url);
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = uri.Host,
            Port = uri.IsDefaultPort || uri.Port < 0 ? 5432 : uri.Port,
            Database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/')),
        };
        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            var parts = uri.UserInfo.Split(':', 2);
            builder.Username = Uri.UnescapeDataString(parts[0]);
            if (parts.Length == 2)
            {
                builder.Password = Uri.UnescapeDataString(parts[1]);
            }
        }

        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var kv = pair.Split('=', 2);
            var key = Uri.UnescapeDataString(kv[0].Replace('+', ' '));
            var value = kv.Length == 2 ? Uri.UnescapeDataString(kv[1].Replace('+', ' ')) : "";
            if (string.Equals(key, "sslmode", StringComparison.OrdinalIgnoreCase))
            {
                // libpq writes verify-full / verify-ca; Npgsql's enum is VerifyFull / VerifyCA.
                value = value.Replace("-", "", StringComparison.Ordinal);
            }

            builder[LibpqNames.TryGetValue(key, out var name) ? name : key] = value;
        }

        return builder.ConnectionString;
    }
}
