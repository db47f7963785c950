using Iot.Cloud.Data;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Iot.TestSupport;

/// <summary>
/// A fresh database per test on the throwaway PostgreSQL that tests/test.sh starts (IOT_TEST_DATABASE_URL).
/// No server means failing tests, never skipped ones.
/// </summary>
public static class TestDatabase
{
    public const string EnvironmentVariable = "IOT_TEST_DATABASE_URL";
    private static int _counter;

    public static string AdminConnectionString
    {
        get
        {
            var value = Environment.GetEnvironmentVariable(EnvironmentVariable);
            if (string.IsNullOrWhiteSpace(value))
            {
                throw new InvalidOperationException(
                    $"{EnvironmentVariable} is not set. Run tests/test.sh (it starts a throwaway PostgreSQL) or point it at a server you own.");
            }

            return ConnectionStrings.Normalize(value);
        }
    }

    /// <summary>Creates an empty database and, unless told otherwise, applies every migration.</summary>
    public static async Task<string> CreateAsync(string prefix = "iot_test", bool migrate = true, int maxPoolSize = 30)
    {
        var admin = AdminConnectionString;
        var name = $"{prefix}_{Environment.ProcessId}_{Interlocked.Increment(ref _counter)}_{Guid.NewGuid().ToString("n")[..6]}";
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await command.ExecuteNonQueryAsync();
        }

        var connectionString = new NpgsqlConnectionStringBuilder(admin) { Database = name, MaxPoolSize = maxPoolSize }.ConnectionString;
        if (migrate)
        {
            await using var dataSource = NpgsqlDataSource.Create(connectionString);
            await new DatabaseMigrator(dataSource, NullLogger<DatabaseMigrator>.Instance).MigrateAsync(CancellationToken.None);
        }

        return connectionString;
    }

    /// <summary>
    /// Removes the newest row of DbUp's journal, as if a newer build ran against a database an older release left
    /// (the health probes must then call it not migrated). Returns the rows removed.
    /// </summary>
    public static async Task<int> ForgetNewestMigrationAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var forget = new NpgsqlCommand(
            "DELETE FROM public.schemaversions WHERE schemaversionsid = (SELECT max(schemaversionsid) FROM public.schemaversions)", connection);
        return await forget.ExecuteNonQueryAsync();
    }
}
