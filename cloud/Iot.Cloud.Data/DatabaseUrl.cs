using Microsoft.Extensions.Configuration;

namespace Iot.Cloud.Data;

/// <summary>
/// The one rule for where a cloud program's database comes from. <c>DATABASE_URL</c> (what hosting platforms and our
/// <c>.env</c> files set) overrides <c>Database:ConnectionString</c> from the program's JSON files and its
/// <c>IOT_{PROGRAM}_*</c> variables; a <c>--Database:ConnectionString=</c> argument overrides <c>DATABASE_URL</c>, like
/// every other command-line setting. Every host adds this source at the same place: after its environment variables,
/// before its command line.
/// </summary>
public static class DatabaseUrl
{
    public const string Variable = "DATABASE_URL";

    public const string Key = DatabaseOptions.Section + ":" + nameof(DatabaseOptions.ConnectionString);

    /// <param name="environment">Reads a variable; null = the process environment (tests pass their own).</param>
    public static IConfigurationBuilder AddDatabaseUrl(this IConfigurationBuilder builder, Func<string, string?>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var url = (environment ?? Environment.GetEnvironmentVariable)(Variable);

        // Blank counts as unset: an empty "DATABASE_URL=" line in an .env file must not hide the JSON setting.
        return string.IsNullOrWhiteSpace(url) ? builder : builder.AddInMemoryCollection([new(Key, url)]);
    }
}
