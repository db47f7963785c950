using Microsoft.Extensions.Options;

namespace Iot.Cloud.Data;

/// <summary>
/// Start-up check shared by every cloud process. The message names the key at fault, and <c>DATABASE_URL</c> when the
/// value came from it (<see cref="DatabaseUrl"/>), but never repeats the value: it holds the password.
/// </summary>
public sealed class DatabaseOptionsValidator(Func<string, string?>? environment = null) : IValidateOptions<DatabaseOptions>
{
    public ValidateOptionsResult Validate(string? name, DatabaseOptions o)
    {
        if (string.IsNullOrWhiteSpace(o.ConnectionString))
        {
            return ValidateOptionsResult.Fail($"{DatabaseUrl.Key} (or {DatabaseUrl.Variable}) must be set");
        }

        if (ConnectionStrings.Problem(o.ConnectionString) is not { } problem)
        {
            return ValidateOptionsResult.Success;
        }

        var fromUrl = string.Equals((environment ?? Environment.GetEnvironmentVariable)(DatabaseUrl.Variable), o.ConnectionString, StringComparison.Ordinal);
        return ValidateOptionsResult.Fail($"{DatabaseUrl.Key}{(fromUrl ? $" (from {DatabaseUrl.Variable})" : "")} {problem}");
    }
}
