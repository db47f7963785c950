using Iot.Cloud.Data;
using Npgsql;

namespace Iot.Provisioning.Tests.Infrastructure;

/// <summary>The PostgreSQL server tests/test.sh starts. Each test gets a database of its own; no server = failing tests.</summary>
public static class PostgresServer
{
    public const string EnvironmentVariable = "IOT_TEST_DATABASE_URL";
    private static int _counter;

    public static async Task<string> CreateDatabaseAsync()
    {
        var value = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new InvalidOperationException(
                $"{EnvironmentVariable} is not set. Run tests/test.sh (it starts a throwaway PostgreSQL) or point it at a server you own.");
        }

        var admin = Iot.Cloud.Data.ConnectionStrings.Normalize(value);
        var name = $"iot_prov_{Environment.ProcessId}_{Interlocked.Increment(ref _counter)}_{Guid.NewGuid().ToString("n")[..6]}";
        await using var connection = new NpgsqlConnection(admin);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        await command.ExecuteNonQueryAsync();
        return new NpgsqlConnectionStringBuilder(admin) { Database = name, MaxPoolSize = 20 }.ConnectionString;
    }
}
