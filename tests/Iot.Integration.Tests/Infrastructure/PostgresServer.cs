using Iot.Cloud.Data;
using Npgsql;

namespace Iot.Integration.Tests.Infrastructure;

/// <summary>
/// The PostgreSQL server tests/test.sh starts (a throwaway cluster on a private port). Each test gets a database of its own.
/// Missing server = failing tests, never skipped ones.
/// </summary>
public sealed class PostgresServer
{
    public const string EnvironmentVariable = "IOT_TEST_DATABASE_URL";
    private static int _counter;

    public PostgresServer()
    {
        var value = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new InvalidOperationException(
                $"{EnvironmentVariable} is not set. Run tests/test.sh (it starts a throwaway PostgreSQL) or point it at a server you own.");
        }

        AdminConnectionString = Iot.Cloud.Data.ConnectionStrings.Normalize(value);
    }

    public string AdminConnectionString { get; }

    public async Task<string> CreateDatabaseAsync()
    {
        var name = $"iot_test_{Environment.ProcessId}_{Interlocked.Increment(ref _counter)}_{Guid.NewGuid().ToString("n")[..6]}";
        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        await command.ExecuteNonQueryAsync();
        return new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = name, MaxPoolSize = 30 }.ConnectionString;
    }
}
