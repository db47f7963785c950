using Dapper;
using Iot.Cloud.Pipeline.Jobs;
using Iot.Protocol.Messages;
using Iot.Protocol.Serialization;
using Iot.TestSupport;
using Npgsql;

namespace Iot.Cloud.Pipeline.Tests.Support;

/// <summary>A fresh migrated database with tenant <c>t1</c>, branch <c>b1</c> and device <c>d1</c> (in b1), and ways to add chunks.</summary>
internal sealed class PipelineDatabase : IAsyncDisposable
{
    public const string Tenant = "t1";
    public const string Device = "d1";
    public const string Branch = "b1";
    public static readonly DateTime T0 = new(2026, 3, 2, 9, 0, 0, DateTimeKind.Utc);

    private PipelineDatabase(NpgsqlDataSource dataSource)
    {
        DataSource = dataSource;
        Queue = new TestJobQueue(dataSource);
    }

    public NpgsqlDataSource DataSource { get; }

    public TestJobQueue Queue { get; }

    public static async Task<PipelineDatabase> CreateAsync()
    {
        var db = new PipelineDatabase(NpgsqlDataSource.Create(await TestDatabase.CreateAsync("iot_pipe")));
        await db.ExecuteAsync(
            """
            INSERT INTO tenants (tenant_id, name) VALUES ('t1', 'Tenant one'), ('t2', 'Tenant two');
            INSERT INTO branches (branch_id, tenant_id, name) VALUES ('b1', 't1', 'Main street');
            INSERT INTO devices (device_id, tenant_id, branch_id) VALUES ('d1', 't1', 'b1'), ('d2', 't2', NULL);
            """);
        return db;
    }

    public async Task ExecuteAsync(string sql, object? args = null)
    {
        await using var c = await DataSource.OpenConnectionAsync();
        await c.ExecuteAsync(sql, args);
    }

    public async Task<T> ScalarAsync<T>(string sql, object? args = null)
    {
        await using var c = await DataSource.OpenConnectionAsync();
        return (await c.ExecuteScalarAsync<T>(sql, args))!;
    }

    public async Task<IReadOnlyList<T>> QueryAsync<T>(string sql, object? args = null)
    {
        await using var c = await DataSource.OpenConnectionAsync();
        return [.. await c.QueryAsync<T>(sql, args)];
    }

    public Task InsertChunkAsync(TestChunk chunk) => InsertChunkAsync(chunk, null, null);

    /// <summary>Inserts in the caller's transaction when one is given (a commit in progress), else on its own.</summary>
    public async Task InsertChunkAsync(TestChunk chunk, NpgsqlConnection? connection, NpgsqlTransaction? transaction)
    {
        await using var own = connection is null ? await DataSource.OpenConnectionAsync() : null;
        await (connection ?? own!).ExecuteAsync(
            """
            INSERT INTO chunks (chunk_id, tenant_id, device_id, seq, started_at, duration_ms, sample_rate, codec, byte_length, sha256,
                                transaction_id, speech_segments, storage_path, audio_included, device_transcript, operator_id, bridge_id)
            VALUES (@ChunkId, @tenant, @DeviceId, @Seq, @StartedAt, @DurationMs, 16000, 'opus', @byteLength, @sha,
                    @TransactionId, @segments::jsonb, @storagePath, @AudioIncluded, @transcript::jsonb, @OperatorId, 'bridge-test')
            """,
            new
            {
                chunk.ChunkId,
                tenant = chunk.DeviceId == Device ? Tenant : "t2",
                chunk.DeviceId,
                chunk.Seq,
                chunk.StartedAt,
                chunk.DurationMs,
                byteLength = chunk.AudioIncluded ? 1000 : 0,
                sha = new string('0', 64),
                chunk.TransactionId,
                segments = ProtocolJson.SerializeSegments(chunk.Segments),
                storagePath = chunk.AudioIncluded ? chunk.StoragePath ?? $"recordings/{chunk.StartedAt:yyyy-MM-dd}/{chunk.DeviceId}/{chunk.ChunkId:n}.opus" : null,
                chunk.AudioIncluded,
                transcript = chunk.Transcript is null ? null : ProtocolJson.SerializeTranscript(chunk.Transcript),
                chunk.OperatorId,
            },
            transaction);
    }

    public async Task<IReadOnlyList<JobRow>> JobsAsync(string kind) =>
        await QueryAsync<JobRow>("SELECT kind AS Kind, payload::text AS Payload, dedup_key AS DedupKey, priority AS Priority FROM jobs WHERE kind = @kind ORDER BY job_id", new { kind });

    public async ValueTask DisposeAsync() => await DataSource.DisposeAsync();
}

/// <summary>A chunk of a test device; <see cref="Seq"/> n starts at <see cref="PipelineDatabase.T0"/> + n × duration unless told otherwise.</summary>
internal sealed record TestChunk(long Seq, params SpeechSegment[] Segments)
{
    public Guid ChunkId { get; init; } = DeterministicId(Seq);

    public string DeviceId { get; init; } = PipelineDatabase.Device;

    public int DurationMs { get; init; } = 60_000;

    public DateTime? Start { get; init; }

    public DateTime StartedAt => Start ?? PipelineDatabase.T0.AddMilliseconds(Seq * DurationMs);

    public string? TransactionId { get; init; }

    public string? OperatorId { get; init; }

    public bool AudioIncluded { get; init; } = true;

    public string? StoragePath { get; init; }

    public ChunkTranscript? Transcript { get; init; }

    private static Guid DeterministicId(long seq) => new($"00000000-0000-7000-8000-{seq:d12}");
}

internal sealed record JobRow(string Kind, string Payload, string? DedupKey, short Priority)
{
    public bool IsFresh => Priority == JobPriority.Fresh;
}
