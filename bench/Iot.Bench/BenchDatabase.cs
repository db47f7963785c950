using Npgsql;

namespace Iot.Bench;

/// <summary>A throwaway database per run on the server the bench was pointed at, dropped (with its connections) after.</summary>
internal static class BenchDatabase
{
    public static async Task<(string ConnectionString, string Name)> CreateAsync(string admin, string prefix)
    {
        var name = $"{prefix}_{Guid.NewGuid():n}"[..24];
        await using var c = new NpgsqlConnection(admin);
        await c.OpenAsync();
        await new NpgsqlCommand($"CREATE DATABASE {name}", c).ExecuteNonQueryAsync();
        return (new NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString, name);
    }

    public static async Task DropAsync(string admin, string name)
    {
        await using var c = new NpgsqlConnection(admin);
        await c.OpenAsync();
        // Dropping a database with a few GB of WAL behind it can outlast Npgsql's 30 s default on a busy box.
        await new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", c) { CommandTimeout = 300 }.ExecuteNonQueryAsync();
    }
}
