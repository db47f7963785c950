using Iot.TestSupport;
using Npgsql;

namespace Iot.Cloud.Pipeline.Tests.Migrations;

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

    [Theory]
    [InlineData("true, 'recordings/a.opus', NULL", true)]
    [InlineData("true, NULL, now()", true)]
    [InlineData("false, NULL, NULL", true)]
    [InlineData("true, 'recordings/a.opus', now()", false)]
    [InlineData("true, NULL, NULL", false)]
    [InlineData("false, NULL, now()", false)]
    public async Task A_chunk_with_audio_has_either_a_file_or_a_purge_time_and_one_without_has_neither(string values, bool accepted)
    {
        var connectionString = await TestDatabase.CreateAsync("iot_pipe");
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var seed = new NpgsqlCommand("INSERT INTO tenants VALUES ('t1', 'T'); INSERT INTO devices (device_id, tenant_id) VALUES ('d1', 't1')", connection);
        await seed.ExecuteNonQueryAsync();
        await using var insert = new NpgsqlCommand(
            $"""
            INSERT INTO chunks (chunk_id, tenant_id, device_id, seq, started_at, duration_ms, sample_rate, codec, byte_length, sha256,
                                audio_included, storage_path, audio_purged_at, bridge_id)
            VALUES (gen_random_uuid(), 't1', 'd1', 0, now(), 1000, 16000, 'opus', 0, repeat('0', 64), {values}, 'b')
            """,
            connection);

        var error = await Record.ExceptionAsync(() => insert.ExecuteNonQueryAsync());

        if (accepted)
        {
            Assert.Null(error);
        }
        else
        {
            Assert.Equal("chunks_audio_has_path", Assert.IsType<PostgresException>(error).ConstraintName);
        }
    }
}
