using Dapper;
using Npgsql;

namespace Iot.Cloud.Pipeline.Tests.Partitions;

/// <summary>
/// One dialogue's worth of rows at a given time, as the pipeline leaves them: a chunk (audio already purged), a
/// dialogue, its speech segment, transcript and analysis. Tenant t1, device d1 in branch b1 must exist.
/// </summary>
internal static class MonthRows
{
    public static async Task<Guid> SeedAsync(NpgsqlConnection c, DateTime at, string word = "hello")
    {
        var chunk = Guid.CreateVersion7();
        var dialogue = Guid.CreateVersion7();
        await c.ExecuteAsync(
            """
            INSERT INTO chunks (chunk_id, tenant_id, device_id, seq, started_at, duration_ms, sample_rate, codec, byte_length, sha256,
                                speech_segments, storage_path, audio_included, audio_purged_at, bridge_id)
            VALUES (@chunk, 't1', 'd1', (SELECT count(*) FROM chunks), @at, 60000, 16000, 'opus', 1000, repeat('0', 64),
                    '[{"startMs":0,"endMs":5000}]', NULL, true, @at, 'bridge-test');
            INSERT INTO dialogues (dialogue_id, tenant_id, branch_id, device_id, started_at, ended_at, speech_ms, status)
            VALUES (@dialogue, 't1', 'b1', 'd1', @at, @at + interval '5 seconds', 5000, 'analyzed');
            INSERT INTO dialogue_segments (chunk_id, start_ms, end_ms, dialogue_id, started_at, offset_ms)
            VALUES (@chunk, 0, 5000, @dialogue, @at, 0);
            INSERT INTO transcripts (dialogue_id, engine, language, text, utterances) VALUES (@dialogue, 'device', 'en', @word, '[]');
            INSERT INTO analyses (dialogue_id, engine, upsell_attempted, customer_reaction, sentiment, sentiment_score, quality_score, summary)
            VALUES (@dialogue, 'rules', true, 'none', 'neutral', 0, 50, 'ok');
            """,
            new { chunk, dialogue, at, word });
        return dialogue;
    }

    /// <summary>Partition name → number of rows, for one partitioned table.</summary>
    public static async Task<Dictionary<string, int>> ByPartitionAsync(NpgsqlConnection c, string table) =>
        (await c.QueryAsync<(string Partition, int Rows)>($"SELECT tableoid::regclass::text, count(*)::int FROM {table} GROUP BY 1"))
            .ToDictionary(r => r.Partition, r => r.Rows);

    public static string Month(string table, DateTime at) => $"{table}_p{at:yyyy_MM}";
}
