using Npgsql;

namespace Iot.Provisioning.Cli;

internal static class DatabaseUrl
{
    /// <summary>Accepts a Npgsql key=value string or postgres://user:pass@host:port/db, as DATABASE_URL usually holds.</summary>
    public static string ToConnectionString(string value)
    {
        try
        {
            if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Scheme is not ("postgres" or "postgresql"))
            {
                return new NpgsqlConnectionStringBuilder(value).ConnectionString;
            }

            var user = uri.UserInfo.Split(':', 2);
            return new NpgsqlConnectionStringBuilder
            {
                Host = uri.Host,
                Port = uri.Port > 0 ? uri.Port : 5432,
                Database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/')),
                Username = user[0].Length > 0 ? Uri.UnescapeDataString(user[0]) : null,
                Password = user.Length == 2 ? Uri.UnescapeDataString(user[1]) : null,
            }.ConnectionString;
        }
        catch (ArgumentException ex)
        {
            throw new CliFailure($"--database: not a connection string or postgres:// URL ({ex.Message})", ExitCodes.Usage);
        }
    }
}
