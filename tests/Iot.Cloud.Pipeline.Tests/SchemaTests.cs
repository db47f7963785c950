using Iot.TestSupport;
using Npgsql;

namespace Iot.Cloud.Pipeline.Tests;

public sealed class SchemaTests
{
    [Fact]
    public async Task A_fresh_database_gets_the_whole_schema_including_chunks()
    {
        var connectionString = await TestDatabase.CreateAsync("iot_pipe");
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT to_regclass('public.chunks') IS NOT NULL", connection);
        Assert.True((bool)(await command.ExecuteScalarAsync())!);
    }
}
