using Npgsql;

namespace Iot.Cloud.Data;

public sealed partial class DatabaseMigrator
{
    private const string MigrationsFolder = ".Migrations.";
    private const string RenamedPrefix = "Iot.Cloud.Bridge.Persistence.Migrations.";
    private const string CurrentPrefix = "Iot.Cloud.Data.Migrations.";

    /// <summary>Every migration this build carries, by DbUp script name (the embedded resource name), in order.</summary>
    public static IReadOnlyList<string> EmbeddedScripts { get; } =
        typeof(DatabaseMigrator).Assembly.GetManifestResourceNames().Where(IsMigration).Order(StringComparer.Ordinal).ToArray();

    private static bool IsMigration(string resourceName) =>
        resourceName.Contains(MigrationsFolder, StringComparison.Ordinal) && resourceName.EndsWith(".sql", StringComparison.Ordinal);

    /// <summary>
    /// The embedded scripts DbUp's journal (<c>public.schemaversions</c>) does not list yet: empty when the database is
    /// at this build's schema. Read-only, no advisory lock, so a health probe can ask while a migration runs. Scripts
    /// journalled under their pre-move names count as applied, because the next migration adopts them without running
    /// them. Throws <see cref="NpgsqlException"/> when the database cannot be reached.
    /// </summary>
    public static async Task<IReadOnlyList<string>> PendingScriptsAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        // Asked first, apart: a query naming a missing table fails while it is parsed, and a fresh database is an
        // ordinary "not migrated" answer, not an error.
        await using (var exists = new NpgsqlCommand("SELECT to_regclass('public.schemaversions') IS NOT NULL", connection))
        {
            if (!(bool)(await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!)
            {
                return EmbeddedScripts;
            }
        }

        var applied = new List<string>();
        await using (var command = new NpgsqlCommand("SELECT scriptname FROM public.schemaversions", connection))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                applied.Add(reader.GetString(0));
            }
        }

        var journal = applied.Select(n => n.StartsWith(RenamedPrefix, StringComparison.Ordinal) ? CurrentPrefix + n[RenamedPrefix.Length..] : n)
            .ToHashSet(StringComparer.Ordinal);
        return EmbeddedScripts.Where(s => !journal.Contains(s)).ToArray();
    }
}
