using Npgsql;

namespace Iot.Provisioning.Cli;

internal static class DatabaseUrl
{
    /// <summary>Accepts a Npgsql key=value string or postgres://user:pass@host:port/db?sslmode=..., as DATABASE_URL usually holds.</summary>
    public static string ToConnectionString(string value)
    {
        try
        {
            // The same parser as the cloud programs (linked source): query options such as sslmode are kept.
            return Iot.Cloud.Data.PostgresUrl.IsUrl(value)
                ? Iot.Cloud.Data.PostgresUrl.ToConnectionString(value)
                : new NpgsqlConnectionStringBuilder(value).ConnectionString;
        }
        catch (Exception ex) when (ex is ArgumentException or UriFormatException)
        {
            throw new CliFailure($"--database: not a connection string or postgres:// URL ({ex.Message})", ExitCodes.Usage);
        }
    }
}
