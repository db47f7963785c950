using Microsoft.Extensions.Options;
using Npgsql;

namespace Iot.Cloud.Data;

/// <summary>Start-up check shared by every cloud process; the message names the key at fault.</summary>
public sealed class DatabaseOptionsValidator : IValidateOptions<DatabaseOptions>
{
    public ValidateOptionsResult Validate(string? name, DatabaseOptions o)
    {
        const string key = DatabaseOptions.Section + ":ConnectionString";
        if (string.IsNullOrWhiteSpace(o.ConnectionString))
        {
            return ValidateOptionsResult.Fail($"{key} (or DATABASE_URL) must be set");
        }

        try
        {
            _ = new NpgsqlConnectionStringBuilder(ConnectionStrings.Normalize(o.ConnectionString));
            return ValidateOptionsResult.Success;
        }
        catch (Exception ex) when (ex is ArgumentException or UriFormatException or FormatException)
        {
            return ValidateOptionsResult.Fail($"{key} is not a valid PostgreSQL connection string: {ex.Message}");
        }
    }
}
