using Npgsql;

namespace Iot.Cloud.Data;

/// <summary>
/// postgres://user:pass@host:port/db?sslmode=require&amp;... as platforms put it in DATABASE_URL, into a Npgsql string.
/// The query options are kept: dropping <c>sslmode=require</c> silently downgrades to whatever Npgsql defaults to.
/// The only URL parser: every cloud program and the test fixtures reach it through <see cref="ConnectionStrings"/>.
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

            var name = LibpqNames.TryGetValue(key, out var npgsqlName) ? npgsqlName : key;
            if (!IsKnown(builder, name))
            {
                // An '@' after the '?' means the user info was cut short by an unencoded '?' in the password, whose
                // tail is now this "option": then its name is not repeated either.
                throw new UnknownOptionException(key, nameable: !uri.Query.Contains('@', StringComparison.Ordinal));
            }

            builder[name] = value;
        }

        return builder.ConnectionString;
    }

    private static bool IsKnown(NpgsqlConnectionStringBuilder builder, string name)
    {
        try
        {
            return builder.ContainsKey(name);
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    /// <summary>An option in the URL's query that neither libpq's names nor Npgsql's know.</summary>
    internal sealed class UnknownOptionException(string option, bool nameable) : ArgumentException(Describe(option, nameable))
    {
        // The option's name helps ("sslmod"), but only a plain identifier is repeated: anything else may be a piece of
        // a password that was not percent-encoded.
        private static string Describe(string option, bool nameable) =>
            nameable && option.Length is > 0 and <= 40 && option.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or ' ')
                ? $"has an option Npgsql does not know: '{option}'"
                : "has an option Npgsql does not know (name not shown: it is not a plain option name)";
    }
}
