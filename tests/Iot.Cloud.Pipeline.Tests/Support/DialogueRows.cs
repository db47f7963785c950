namespace Iot.Cloud.Pipeline.Tests.Support;

/// <summary>Every column of the dialogue tables that the builder decides (not the row timestamps).</summary>
internal static class DialogueRows
{
    public static async Task<IReadOnlyList<DialogueRow>> DialoguesAsync(PipelineDatabase db) =>
        await db.QueryAsync<DialogueRow>(
            """
            SELECT dialogue_id AS DialogueId, tenant_id AS TenantId, branch_id AS BranchId, device_id AS DeviceId,
                   transaction_id AS TransactionId, operator_id AS OperatorId, started_at AS StartedAt, ended_at AS EndedAt,
                   speech_ms AS SpeechMs, status AS Status
            FROM dialogues ORDER BY started_at, dialogue_id
            """);

    public static async Task<IReadOnlyList<SegmentRow>> SegmentsAsync(PipelineDatabase db) =>
        await db.QueryAsync<SegmentRow>(
            """
            SELECT chunk_id AS ChunkId, start_ms AS StartMs, end_ms AS EndMs, dialogue_id AS DialogueId, started_at AS StartedAt, offset_ms AS OffsetMs
            FROM dialogue_segments ORDER BY chunk_id, start_ms
            """);
}

internal sealed record DialogueRow(Guid DialogueId, string TenantId, string? BranchId, string DeviceId, string? TransactionId, string? OperatorId, DateTime StartedAt, DateTime EndedAt, int SpeechMs, string Status);

internal sealed record SegmentRow(Guid ChunkId, int StartMs, int EndMs, Guid DialogueId, DateTime StartedAt, int OffsetMs);
