using Npgsql;

namespace Iot.Cloud.Data;

public static class ConnectionStrings
{
    /// <summary>
    /// Accepts a Npgsql key=value string or a postgres:// URL (what most platforms put in DATABASE_URL), query options
    /// such as sslmode included. Throws <see cref="ArgumentException"/>, <see cref="UriFormatException"/> or
    /// <see cref="FormatException"/> on bad input; their messages may quote the input, so show <see cref="Problem"/>
    /// to people instead.
    /// </summary>
    public static string Normalize(string value)
    {
        return PostgresUrl.IsUrl(value) ? PostgresUrl.ToConnectionString(value) : new NpgsqlConnectionStringBuilder(value).ConnectionString;
    }

    /// <summary>
    /// Null when <paramref name="value"/> is usable; otherwise what is wrong with it, in words that quote no part of the
    /// value. Npgsql's and Uri's own messages can: a password holding an unescaped <c>;</c> makes its tail an "unknown
    /// keyword" that Npgsql names, and start-up errors end up in journals and CI logs.
    /// </summary>
    public static string? Problem(string value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return "is empty";
        }

        var url = PostgresUrl.IsUrl(value);
        try
        {
            _ = new NpgsqlConnectionStringBuilder(Normalize(value));
            return null;
        }
        catch (PostgresUrl.UnknownOptionException ex)
        {
            return ex.Message;
        }
        catch (UriFormatException)
        {
            return "is a postgres:// URL that cannot be parsed (percent-encode the user name and password, e.g. @ as %40)";
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or InvalidCastException)
        {
            return url
                ? "is a postgres:// URL with an option value Npgsql does not accept"
                : "is not a valid Npgsql key=value string (values holding ; or = must be quoted)";
        }
    }
}
