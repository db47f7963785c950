using Dapper;
using Npgsql;

namespace Iot.TestSupport;

/// <summary>Reads what the bridge stored, for assertions.</summary>
public sealed class ChunkTable(string connectionString)
{
    public async Task<long> CountAsync(string? deviceId = null)
    {
        await using var c = new NpgsqlConnection(connectionString);
        return await c.ExecuteScalarAsync<long>("SELECT count(*) FROM chunks WHERE @deviceId::text IS NULL OR device_id = @deviceId", new { deviceId });
    }

    public async Task<IReadOnlyList<StoredChunk>> AllAsync()
    {
        await using var c = new NpgsqlConnection(connectionString);
        return (await c.QueryAsync<StoredChunk>(
            "SELECT chunk_id AS ChunkId, device_id AS DeviceId, seq AS Sequence, duration_ms AS DurationMs, sha256 AS Sha256, storage_path AS StoragePath, received_at AS ReceivedAt FROM chunks ORDER BY device_id, seq")).ToList();
    }
}

public sealed record StoredChunk(Guid ChunkId, string DeviceId, long Sequence, int DurationMs, string Sha256, string? StoragePath, DateTime ReceivedAt);
